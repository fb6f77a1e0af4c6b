using Microsoft.Extensions.DependencyInjection;
using Moq;
using OpsFunctions.Durable;
using OpsFunctions.Integrations.Diagnostics;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests;

public sealed class IncidentLifecycleTests
{
    [Fact]
    public async Task AlertsUpdated_MergesByFingerprint_AndResolvesWhenEveryAlertResolved()
    {
        await using var sut = await IncidentTestHost.StartAsync();
        var a = IncidentTestHost.Alert("HighErrorRate");
        var b = IncidentTestHost.Alert("HighLatency", severity: "warning");
        var id = await sut.OpenAsync(IncidentTestHost.Request(a, b));

        await sut.AdvanceAsync(TimeSpan.FromMinutes(5));
        await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, new AlertsUpdate([a with { Status = AlertStatus.Resolved, EndsAt = sut.Start.AddMinutes(4) }, b]));
        var afterFirst = (await sut.TimelineAsync(id)).Count;

        // Alertmanager repeats the same delivery: nothing changes, nothing is recorded.
        await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, new AlertsUpdate([a with { Status = AlertStatus.Resolved, EndsAt = sut.Start.AddMinutes(4) }, b]));
        Assert.Equal(afterFirst, (await sut.TimelineAsync(id)).Count);
        var running = await sut.RecordAsync(id);
        Assert.Equal(
            [("fp-HighErrorRate", AlertStatus.Resolved), ("fp-HighLatency", AlertStatus.Firing)],
            running.Alerts.Select(x => (x.Fingerprint, x.Status)).ToArray());
        var status = (await sut.InstanceAsync(id)).ReadCustomStatusAs<IncidentStatus>()!;
        Assert.Equal((1, 2), (status.FiringAlerts, status.TotalAlerts));

        // A third alert joins the group, then everything resolves.
        var c = IncidentTestHost.Alert("DiskFull");
        await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, new AlertsUpdate([c]));
        await sut.AdvanceAsync(TimeSpan.FromMinutes(5));
        await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, new AlertsUpdate([b with { Status = AlertStatus.Resolved }, c with { Status = AlertStatus.Resolved }]));

        var done = await sut.CompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var outcome = done.ReadOutputAs<IncidentOutcome>()!;
        Assert.Equal((IncidentState.Resolved, IncidentActors.Alertmanager, TimeSpan.FromMinutes(10)), (outcome.State, outcome.ResolvedBy, outcome.TimeToResolve));
        var record = await sut.RecordAsync(id);
        Assert.Equal(3, record.Alerts.Count);
        Assert.All(record.Alerts, x => Assert.Equal(AlertStatus.Resolved, x.Status));
        var timeline = (await sut.TimelineAsync(id)).Select(e => e.Text).ToList();
        Assert.Contains("alert HighErrorRate resolved", timeline);
        Assert.Contains("alert DiskFull firing", timeline);
        Assert.Contains(sut.Notifier.RouteNotifications, n => n.Kind == NotificationKind.Resolved);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await sut.CompletionAsync(IncidentIds.EscalationOf(id))).RuntimeStatus);
    }

    [Fact]
    public async Task AlertsUpdated_ResolvedAlertFiresAgain_IsAnUpdateNotANewIncident()
    {
        await using var sut = await IncidentTestHost.StartAsync();
        var a = IncidentTestHost.Alert("HighErrorRate");
        var b = IncidentTestHost.Alert("HighLatency");
        var id = await sut.OpenAsync(IncidentTestHost.Request(a, b));

        await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, new AlertsUpdate([a with { Status = AlertStatus.Resolved }]));
        await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, new AlertsUpdate([a]));

        Assert.True((await sut.InstanceAsync(id)).IsRunning);
        Assert.Contains(await sut.TimelineAsync(id), e => e.Text == "alert HighErrorRate firing again");
    }

    [Fact]
    public async Task Resolve_ByHand_ReportHoldsTimesActorsAlertsAndTimeline()
    {
        await using var sut = await IncidentTestHost.StartAsync();
        var id = await sut.OpenAsync(IncidentTestHost.Request());
        await sut.AdvanceAsync(TimeSpan.FromMinutes(15));
        await sut.AdvanceAsync(TimeSpan.FromMinutes(3));
        await sut.RaiseAsync(id, IncidentEvents.Acknowledged, new IncidentAction("alice"));
        await sut.AdvanceAsync(TimeSpan.FromMinutes(42));

        await sut.RaiseAsync(id, IncidentEvents.Resolved, new IncidentAction("bob", "rolled back to v41"));

        var outcome = (await sut.CompletionAsync(id)).ReadOutputAs<IncidentOutcome>()!;
        Assert.Equal((TimeSpan.FromMinutes(18), TimeSpan.FromHours(1)), (outcome.TimeToAcknowledge!.Value, outcome.TimeToResolve));
        var report = await sut.Store.GetReportAsync(id, TestContext.Current.CancellationToken);
        Assert.Equal(outcome.Report, report);
        Assert.NotNull(report);
        Assert.Contains("| Time to acknowledge | 18 min 00 s |", report, StringComparison.Ordinal);
        Assert.Contains("| Time to resolve | 1 h 00 min 00 s |", report, StringComparison.Ordinal);
        Assert.Contains("| Acknowledged | 2026-01-05 08:18:00 UTC by alice |", report, StringComparison.Ordinal);
        Assert.Contains("| Resolved | 2026-01-05 09:00:00 UTC by bob |", report, StringComparison.Ordinal);
        Assert.Contains("- alice: acknowledged", report, StringComparison.Ordinal);
        Assert.Contains("- bob: resolved", report, StringComparison.Ordinal);
        Assert.Contains("| HighErrorRate | Firing |", report, StringComparison.Ordinal);
        Assert.Contains("resolved by bob: rolled back to v41", report, StringComparison.Ordinal);
        Assert.Contains("L1 did not acknowledge within 15 min; escalating to L2", report, StringComparison.Ordinal);
        Assert.Contains("escalation stopped at L2 after 2 page(s)", report, StringComparison.Ordinal);

        var reportNotification = Assert.Single(sut.Notifier.Sent, s => s.Kind == NotificationKind.Report);
        Assert.Equal(report, reportNotification.Notification.MarkdownBody);
        Assert.Equal(AlertAction.None, reportNotification.Notification.Alert);
        var resolved = Assert.Single(sut.Notifier.Sent, s => s.Kind == NotificationKind.Resolved);
        Assert.Equal(("bob", AlertAction.Resolve), (resolved.Actor, resolved.Notification.Alert));
        Assert.Empty(resolved.Notification.Links);
        var record = await sut.RecordAsync(id);
        Assert.Equal((IncidentState.Resolved, "bob", sut.Start.AddHours(1)), (record.State, record.ResolvedBy, record.ResolvedAt));
    }

    [Fact]
    public async Task Notify_ChannelFails_IsOnTheTimelineAndTheLadderGoesOn()
    {
        await using var sut = await IncidentTestHost.StartAsync();
        sut.Notifier.FailingChannel = ChannelKind.PagerDuty;
        var id = await sut.OpenAsync(IncidentTestHost.Request());

        await sut.AdvanceAsync(TimeSpan.FromMinutes(15));

        var timeline = await sut.TimelineAsync(id);
        Assert.Contains(timeline, e => e.Kind == IncidentTimelineKinds.Delivery && e.Text == "pagerduty oncall-primary: FAILED (503 Service Unavailable)");
        Assert.Contains(timeline, e => e.Kind == IncidentTimelineKinds.Delivery && e.Text == "slack #incidents-critical: delivered");
        Assert.Equal([1, 2], sut.Notifier.Pages.Select(p => p.Level!.Value).ToArray());
    }

    [Fact]
    public async Task Notify_NotifierThrows_IsRecordedAndTheIncidentStillResolves()
    {
        var sender = new Mock<INotificationSender>();
        sender.Setup(n => n.SendAllAsync(It.IsAny<IEnumerable<ChannelTarget>>(), It.IsAny<Notification>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("connection refused"));
        await using var sut = await IncidentTestHost.StartAsync(services: s => s.AddSingleton(sender.Object));
        var id = await sut.OpenAsync(IncidentTestHost.Request());
        await sut.AdvanceAsync(TimeSpan.FromMinutes(15));

        await sut.RaiseAsync(id, IncidentEvents.Resolved, new IncidentAction("bob"));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await sut.CompletionAsync(id)).RuntimeStatus);
        var failures = (await sut.TimelineAsync(id)).Where(e => e.Text.Contains("FAILED (connection refused)", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count >= 3, $"expected the route, L1 and L2 failures on the timeline, got {failures.Count}");
        sender.Verify(
            n => n.SendAllAsync(It.IsAny<IEnumerable<ChannelTarget>>(), It.Is<Notification>(x => x.Event == "incident.escalated"), It.IsAny<CancellationToken>()),
            Times.Once);
    }

    [Fact]
    public async Task Diagnostics_RunnerThrows_IsALineOnTheTimeline()
    {
        var checks = new Mock<IHttpHealthCheck>();
        checks.Setup(r => r.CheckAsync(It.IsAny<HealthCheckRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new TimeoutException("the health endpoint did not answer"));
        await using var sut = await IncidentTestHost.StartAsync(services: s => s.AddSingleton(checks.Object));

        var id = await sut.OpenAsync(IncidentTestHost.Request());

        Assert.Contains(await sut.TimelineAsync(id), e => e is { Kind: IncidentTimelineKinds.Diagnostics, Text: "diagnostics failed: the health endpoint did not answer" });
        checks.Verify(r => r.CheckAsync(It.Is<HealthCheckRequest>(d => d.Url == new Uri("https://payments.test/health")), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Open_ManualRequestWithoutAlerts_UsesGivenTitleServiceAndSeverity()
    {
        await using var sut = await IncidentTestHost.StartAsync();

        var id = await sut.OpenAsync(
            new IncidentRequest { Title = "Checkout slow", Service = "checkout", Severity = Severity.Low, OpenedBy = "dana" },
            "inc-manual-1");

        var record = await sut.RecordAsync(id);
        Assert.Equal(("Checkout slow", "checkout", Severity.Low, "dana", IncidentSources.Manual), (record.Title, record.Service, record.Severity, record.OpenedBy, record.Source));
        var route = Assert.Single(sut.Notifier.RouteNotifications);
        Assert.Equal(ChannelTarget.Slack("#alerts-info"), Assert.Single(route.Targets));
        Assert.True((await sut.InstanceAsync(id)).IsRunning);
    }

    [Fact]
    public async Task AlertsUpdated_GroupOfAThousandAlerts_OpensAndResolves()
    {
        await using var sut = await IncidentTestHost.StartAsync();
        var alerts = Enumerable.Range(0, 1000).Select(i => IncidentTestHost.Alert($"PodCrashLooping-{i:D4}")).ToArray();
        var id = await sut.OpenAsync(IncidentTestHost.Request(alerts));
        Assert.Equal(1000, (await sut.RecordAsync(id)).Alerts.Count);

        await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, new AlertsUpdate([.. alerts.Select(a => a with { Status = AlertStatus.Resolved })]));

        var done = await sut.CompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var report = done.ReadOutputAs<IncidentOutcome>()!.Report!;
        Assert.Contains("## Alerts (1000)", report, StringComparison.Ordinal);
        Assert.Contains("| ... 800 more | | | | |", report, StringComparison.Ordinal);
    }
}
