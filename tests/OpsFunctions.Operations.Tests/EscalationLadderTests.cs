using OpsFunctions.Durable;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Operations.Escalation;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests;

public sealed class EscalationLadderTests
{
    private static readonly TimeSpan[] AckTimeouts =
    [
        TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(120), TimeSpan.FromMinutes(240),
    ];

    private static Task<IncidentTestHost> CreateSut(IDictionary<string, string?>? configuration = null) => IncidentTestHost.StartAsync(configuration);

    [Fact]
    public async Task Open_CriticalIncident_PagesL1AndTheCriticalRouteAtOnce()
    {
        await using var sut = await CreateSut();

        var id = await sut.OpenAsync(IncidentTestHost.Request());

        var page = Assert.Single(sut.Notifier.Pages);
        Assert.Equal((sut.Start, NotificationKind.Triggered, 1), (page.At, page.Kind, page.Level!.Value));
        // The on-call engineer of the Default policy: a PagerDuty routing key and a Slack channel.
        Assert.Equal(["#oncall", "oncall-primary"], page.Addresses.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(["Acknowledge", "Resolve"], page.Notification.Links.Select(l => l.Label).ToArray());
        Assert.Contains("acknowledged", page.Notification.Links[0].Url.ToString(), StringComparison.Ordinal);
        Assert.Contains("resolved", page.Notification.Links[1].Url.ToString(), StringComparison.Ordinal);
        Assert.Equal(("incident.triggered", AlertAction.Trigger, "opsfunctions-inc-test-1"), (page.Notification.Event, page.Notification.Alert, page.Notification.DedupKey));

        var route = Assert.Single(sut.Notifier.RouteNotifications);
        Assert.Equal((sut.Start, NotificationKind.Triggered), (route.At, route.Kind));
        Assert.Equal(
            [ChannelKind.Slack, ChannelKind.PagerDuty, ChannelKind.Email],
            route.Targets.Select(t => t.Kind).Distinct().Order().ToArray());

        var record = await sut.RecordAsync(id);
        Assert.Equal((IncidentState.Open, Severity.Critical, "payments", "Default", 1), (record.State, record.Severity, record.Service, record.Policy, record.EscalationLevel));
        var status = (await sut.InstanceAsync(id)).ReadCustomStatusAs<IncidentStatus>()!;
        Assert.Equal((IncidentState.Open, 1, 1), (status.State, status.EscalationLevel, status.FiringAlerts));
        var timeline = await sut.TimelineAsync(id);
        Assert.Contains(timeline, e => e.Kind == IncidentTimelineKinds.Opened);
        Assert.Contains(timeline, e => e.Kind == IncidentTimelineKinds.Diagnostics && e.Text == "health check https://payments.test/health: healthy (200) in 12 ms");
        Assert.Contains(timeline, e => e.Kind == IncidentTimelineKinds.Delivery && e.Text.StartsWith("pagerduty oncall-primary: delivered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ladder_NoAcknowledgement_ClimbsToL5OnExactAckTimeouts()
    {
        await using var sut = await CreateSut();
        await sut.OpenAsync(IncidentTestHost.Request());

        // One second short of L1's 15 minutes nothing happens; at 15 minutes L2 is paged.
        await sut.AdvanceAsync(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.Single(sut.Notifier.Pages);
        await sut.AdvanceAsync(TimeSpan.FromSeconds(1));

        var expected = sut.Start;
        for (var level = 2; level <= 5; level++)
        {
            expected += AckTimeouts[level - 2];
            if (level > 2)
            {
                await sut.AdvanceAsync(AckTimeouts[level - 2]);
            }

            var page = sut.Notifier.Pages[^1];
            Assert.Equal((expected, NotificationKind.Escalated, level), (page.At, page.Kind, page.Level!.Value));
        }

        Assert.Equal([1, 2, 3, 4, 5], sut.Notifier.Pages.Select(p => p.Level!.Value).ToArray());
        Assert.Equal(sut.Start.AddMinutes(15 + 30 + 60 + 120), sut.Notifier.Pages[^1].At);
    }

    [Fact]
    public async Task Ladder_NeverAcknowledged_RepeatsThenUnacknowledgedAndKeepsPagingLastLevel()
    {
        await using var sut = await CreateSut();
        var id = await sut.OpenAsync(IncidentTestHost.Request());

        // Two runs of the ladder (repeat = 1): 10 pages, the last at 2 x 465 - 240 minutes.
        foreach (var timeout in AckTimeouts.Concat(AckTimeouts).Take(9))
        {
            await sut.AdvanceAsync(timeout);
        }

        Assert.Equal([1, 2, 3, 4, 5, 1, 2, 3, 4, 5], sut.Notifier.Pages.Select(p => p.Level!.Value).ToArray());
        Assert.Equal(sut.Start.AddMinutes(465 + 225), sut.Notifier.Pages[^1].At);
        Assert.Equal(IncidentState.Open, (await sut.RecordAsync(id)).State);

        // L5 does not answer either: unacknowledged, and L5 is paged again every 240 minutes.
        await sut.AdvanceAsync(TimeSpan.FromMinutes(240));
        var unacknowledged = sut.Notifier.Pages[^1];
        Assert.Equal((sut.Start.AddMinutes(930), NotificationKind.Unacknowledged, 5), (unacknowledged.At, unacknowledged.Kind, unacknowledged.Level!.Value));
        Assert.Equal(IncidentState.Unacknowledged, (await sut.RecordAsync(id)).State);
        Assert.Equal(IncidentState.Unacknowledged, (await sut.InstanceAsync(id)).ReadCustomStatusAs<IncidentStatus>()!.State);

        await sut.AdvanceAsync(TimeSpan.FromMinutes(240));
        await sut.AdvanceAsync(TimeSpan.FromMinutes(240));
        Assert.Equal(
            [sut.Start.AddMinutes(930), sut.Start.AddMinutes(1170), sut.Start.AddMinutes(1410)],
            sut.Notifier.Pages.Where(p => p.Kind == NotificationKind.Unacknowledged).Select(p => p.At).ToArray());
        Assert.Contains(await sut.TimelineAsync(id), e => e.Kind == IncidentTimelineKinds.Unacknowledged);

        // Each step continued as new, so the ladder's current execution holds only its own few events.
        var ladder = await sut.InstanceAsync(IncidentIds.EscalationOf(id));
        Assert.Equal(OrchestrationRuntimeStatus.Running, ladder.RuntimeStatus);
        Assert.Equal(12, ladder.ReadInputAs<EscalationInput>()!.Position.Pages);

        await sut.RaiseAsync(id, IncidentEvents.Resolved, new IncidentAction("carol"));
        var done = await sut.CompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Null(done.ReadOutputAs<IncidentOutcome>()!.TimeToAcknowledge);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await sut.CompletionAsync(IncidentIds.EscalationOf(id))).RuntimeStatus);
    }

    [Fact]
    public async Task Acknowledge_AtL2_StopsTheClimbAndRecordsWhoAndWhen()
    {
        await using var sut = await CreateSut();
        var id = await sut.OpenAsync(IncidentTestHost.Request());
        await sut.AdvanceAsync(TimeSpan.FromMinutes(15));

        await sut.RaiseAsync(id, IncidentEvents.Acknowledged, new IncidentAction("alice"));
        await sut.AdvanceAsync(TimeSpan.FromMinutes(30));
        await sut.AdvanceAsync(TimeSpan.FromMinutes(60));

        Assert.Equal([1, 2], sut.Notifier.Pages.Select(p => p.Level!.Value).ToArray());
        var record = await sut.RecordAsync(id);
        Assert.Equal((IncidentState.Acknowledged, "alice", sut.Start.AddMinutes(15)), (record.State, record.AcknowledgedBy, record.AcknowledgedAt));
        var acknowledged = Assert.Single(sut.Notifier.Sent, s => s.Kind == NotificationKind.Acknowledged);
        Assert.Equal(("alice", sut.Start.AddMinutes(15)), (acknowledged.Actor, acknowledged.At));
        Assert.Contains(await sut.TimelineAsync(id), e => e is { Kind: IncidentTimelineKinds.Acknowledged, Actor: "alice" } && e.At == sut.Start.AddMinutes(15));
    }

    [Fact]
    public async Task Acknowledge_NotResolvedWithinResolutionTimeout_ResumesAtNextLevel()
    {
        await using var sut = await CreateSut();
        var id = await sut.OpenAsync(IncidentTestHost.Request());
        await sut.AdvanceAsync(TimeSpan.FromMinutes(15));
        await sut.RaiseAsync(id, IncidentEvents.Acknowledged, new IncidentAction("alice"));

        await sut.AdvanceAsync(TimeSpan.FromHours(4) - TimeSpan.FromSeconds(1));
        Assert.Equal(2, sut.Notifier.Pages.Count);
        await sut.AdvanceAsync(TimeSpan.FromSeconds(1));

        var resumed = sut.Notifier.Pages[^1];
        Assert.Equal((sut.Start.AddMinutes(15 + 240), NotificationKind.Escalated, 3), (resumed.At, resumed.Kind, resumed.Level!.Value));
        Assert.Contains("not resolved within 4 h", resumed.Notification.Summary, StringComparison.Ordinal);
        Assert.Equal(IncidentState.Open, (await sut.RecordAsync(id)).State);

        // The climb goes on from there: L4 after L3's 60 minutes.
        await sut.AdvanceAsync(TimeSpan.FromMinutes(60));
        Assert.Equal((4, sut.Start.AddMinutes(15 + 240 + 60)), (sut.Notifier.Pages[^1].Level!.Value, sut.Notifier.Pages[^1].At));
    }

    [Fact]
    public async Task Acknowledge_Twice_FirstAcknowledgementCountsForTimeToAcknowledge()
    {
        await using var sut = await CreateSut();
        var id = await sut.OpenAsync(IncidentTestHost.Request());
        await sut.AdvanceAsync(TimeSpan.FromMinutes(5));
        await sut.RaiseAsync(id, IncidentEvents.Acknowledged, new IncidentAction("alice"));
        await sut.AdvanceAsync(TimeSpan.FromMinutes(5));
        await sut.RaiseAsync(id, IncidentEvents.Acknowledged, new IncidentAction("bob"));
        await sut.AdvanceAsync(TimeSpan.FromMinutes(5));

        await sut.RaiseAsync(id, IncidentEvents.Resolved, new IncidentAction("bob", "rolled back"));

        var outcome = (await sut.CompletionAsync(id)).ReadOutputAs<IncidentOutcome>()!;
        Assert.Equal((TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), "alice", "bob"), (outcome.TimeToAcknowledge!.Value, outcome.TimeToResolve, outcome.AcknowledgedBy, outcome.ResolvedBy));
        Assert.Single(sut.Notifier.Pages);
        Assert.Contains(await sut.TimelineAsync(id), e => e.Text == "acknowledged again by bob");
    }

    [Fact]
    public async Task ShortPolicy_FromConfiguration_UsesItsTimeoutsAndRepeat()
    {
        await using var sut = await CreateSut(new Dictionary<string, string?>
        {
            ["Escalation:Policies:fast:Match:Service"] = "payments",
            ["Escalation:Policies:fast:Repeat"] = "0",
            ["Escalation:Policies:fast:Levels:0:Contacts:0:Name"] = "primary",
            ["Escalation:Policies:fast:Levels:0:Contacts:0:SlackUser"] = "@alice",
            ["Escalation:Policies:fast:Levels:0:AckTimeout"] = "00:00:30",
            ["Escalation:Policies:fast:Levels:1:Contacts:0:Name"] = "secondary",
            ["Escalation:Policies:fast:Levels:1:Contacts:0:Email"] = "bob@example.com",
            ["Escalation:Policies:fast:Levels:1:AckTimeout"] = "00:01:00",
        });
        var id = await sut.OpenAsync(IncidentTestHost.Request());

        await sut.AdvanceAsync(TimeSpan.FromSeconds(30));
        await sut.AdvanceAsync(TimeSpan.FromMinutes(1));
        await sut.AdvanceAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(
            [(1, "@alice", sut.Start), (2, "bob@example.com", sut.Start.AddSeconds(30)), (2, "bob@example.com", sut.Start.AddSeconds(90)), (2, "bob@example.com", sut.Start.AddSeconds(150))],
            sut.Notifier.Pages.Select(p => (p.Level!.Value, p.Addresses[0], p.At)).ToArray());
        Assert.Equal(NotificationKind.Unacknowledged, sut.Notifier.Pages[2].Kind);
        Assert.Equal("fast", (await sut.RecordAsync(id)).Policy);
    }

    [Fact]
    public async Task Acknowledge_RightAfterOpening_StopsTheLadderBeforeL2()
    {
        await using var sut = await CreateSut();
        var cancellation = TestContext.Current.CancellationToken;
        await sut.Host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(IncidentOrchestrator), IncidentTestHost.Request(), new StartOrchestrationOptions("inc-early"), cancellation);
        await sut.Host.Client.RaiseEventAsync("inc-early", IncidentEvents.Acknowledged, new IncidentAction("alice"), cancellation);
        sut.Track("inc-early");
        await sut.SettleAsync();

        await sut.AdvanceAsync(TimeSpan.FromMinutes(15));
        await sut.AdvanceAsync(TimeSpan.FromMinutes(30));

        Assert.Equal([1], sut.Notifier.Pages.Select(p => p.Level!.Value).ToArray());
        var record = await sut.RecordAsync("inc-early");
        Assert.Equal((IncidentState.Acknowledged, "alice", sut.Start), (record.State, record.AcknowledgedBy, record.AcknowledgedAt));
    }
}
