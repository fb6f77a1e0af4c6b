using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Integrations.Diagnostics;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Operations.Approvals;
using OpsFunctions.Operations.Escalation;
using OpsFunctions.Operations.Incidents;
using OpsFunctions.Testing.Dtfx;
using OpsFunctions.Testing.Incidents;

namespace OpsFunctions.Operations.Tests;

/// <summary>
/// The incident workflows on the Durable Task Framework with its Azure Storage backend (on Azurite), the engine
/// Durable Functions runs them on in Azure: the same registrations, activities and fakes as <see cref="IncidentTestHost"/>,
/// another engine. The framework runs on the real clock: each step waits for what the workflow does, never for a time.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class IncidentOnDtfxTests
{
    private const string Id = "inc-dtfx-1";

    private static readonly string LadderId = IncidentIds.EscalationOf(Id);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CriticalIncident_AcknowledgedThenResolved_CompletesWithReportAndStoppedLadder()
    {
        // No escalation configuration: the built-in Default policy, whose L1 has 15 minutes to acknowledge. The test
        // acknowledges within seconds of the page, so no ladder timer fires while it runs.
        await using var sut = await DtfxIncidents.StartAsync(new Dictionary<string, string?>());
        await sut.Client.ScheduleNewOrchestrationInstanceAsync(nameof(IncidentOrchestrator), IncidentTestHost.Request(), new StartOrchestrationOptions(Id), Cancellation);

        await Eventually.HappensAsync(() => sut.Notifier.Pages.Any(p => p.Level == 1), "the level 1 page");
        var page = Assert.Single(sut.Notifier.Pages);
        Assert.Equal((NotificationKind.Triggered, 1, "oncall-primary"), (page.Kind, page.Level!.Value, page.Addresses.Single(a => !a.StartsWith('#'))));

        await sut.Client.RaiseEventAsync(Id, IncidentEvents.Acknowledged, new IncidentAction("alice", "looking"), Cancellation);
        Assert.Equal(1, (await sut.LadderAcknowledgedAsync()).Level);
        var status = await sut.IncidentStatusAsync(s => s is { State: IncidentState.Acknowledged, EscalationLevel: 1 }, "the incident acknowledged at level 1");
        Assert.Equal("alice", status.AcknowledgedBy);
        await sut.Client.RaiseEventAsync(Id, IncidentEvents.Resolved, new IncidentAction("bob", "rolled back"), Cancellation);

        var done = await sut.Client.WaitForInstanceCompletionAsync(Id, getInputsAndOutputs: true, sut.Patience);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var outcome = done.ReadOutputAs<IncidentOutcome>()!;
        Assert.Equal((Id, IncidentState.Resolved, "alice", "bob"), (outcome.Id, outcome.State, outcome.AcknowledgedBy, outcome.ResolvedBy));
        Assert.InRange(outcome.TimeToAcknowledge!.Value, TimeSpan.Zero, outcome.TimeToResolve);
        Assert.InRange(outcome.TimeToResolve, TimeSpan.FromTicks(1), Eventually.Patience);
        Assert.Equal(IncidentState.Resolved, done.ReadCustomStatusAs<IncidentStatus>()!.State);

        // The ladder ended on the incident's stop, at L1 after its one page, and paged nobody else.
        var ladder = await sut.Client.WaitForInstanceCompletionAsync(LadderId, getInputsAndOutputs: true, sut.Patience);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, ladder.RuntimeStatus);
        Assert.Equal(new EscalationResult(1, 1, EscalationMode.Acknowledged, "bob"), ladder.ReadOutputAs<EscalationResult>());
        Assert.Single(sut.Notifier.Pages);

        // The L1 page and the critical route's Triggered go out side by side, in either order; then the route hears
        // each step in order.
        Assert.Equal(
            [NotificationKind.Triggered, NotificationKind.Triggered, NotificationKind.Acknowledged, NotificationKind.Resolved, NotificationKind.Report],
            sut.Notifier.Sent.Select(n => n.Kind).ToArray());
        Assert.Equal(
            [(NotificationKind.Triggered, null), (NotificationKind.Acknowledged, "alice"), (NotificationKind.Resolved, "bob"), (NotificationKind.Report, null)],
            sut.Notifier.RouteNotifications.Select(n => (n.Kind, n.Actor)).ToArray());

        // The report was written, stored with the incident and sent; the record and the timeline tell the same story.
        var report = await sut.Store.GetReportAsync(Id, Cancellation);
        Assert.NotNull(report);
        Assert.Equal(outcome.Report, report);
        Assert.Equal(report, sut.Notifier.RouteNotifications[^1].Notification.MarkdownBody);
        Assert.Contains("escalation stopped at L1 after 1 page(s)", report, StringComparison.Ordinal);
        Assert.Contains("- alice: acknowledged", report, StringComparison.Ordinal);
        Assert.Contains("acknowledged by alice: looking", report, StringComparison.Ordinal);
        Assert.Contains("resolved by bob: rolled back", report, StringComparison.Ordinal);
        var record = await sut.Store.GetAsync(Id, Cancellation);
        Assert.NotNull(record);
        Assert.Equal(
            (IncidentState.Resolved, Severity.Critical, "Default", 1, "alice", "bob"),
            (record.State, record.Severity, record.Policy, record.EscalationLevel, record.AcknowledgedBy, record.ResolvedBy));
        var timeline = await sut.Store.GetTimelineAsync(Id, Cancellation);
        Assert.DoesNotContain(timeline, e => e.Kind == IncidentTimelineKinds.Error);
        foreach (var kind in new[] { IncidentTimelineKinds.Opened, IncidentTimelineKinds.Diagnostics, IncidentTimelineKinds.Acknowledged, IncidentTimelineKinds.Resolved, IncidentTimelineKinds.Report })
        {
            Assert.Contains(timeline, e => e.Kind == kind);
        }
    }

    [Fact]
    public async Task CriticalIncident_L1DoesNotAcknowledge_EscalatesToL2OnTheFrameworksTimer()
    {
        // L1 has 2 seconds, on the real clock; L2 has 15 minutes, so the acknowledgement at L2 comes well before it.
        await using var sut = await DtfxIncidents.StartAsync(new Dictionary<string, string?>
        {
            ["Escalation:Policies:fast:Match:Service"] = "payments",
            ["Escalation:Policies:fast:Levels:0:Contacts:0:Name"] = "primary",
            ["Escalation:Policies:fast:Levels:0:Contacts:0:SlackUser"] = "@alice",
            ["Escalation:Policies:fast:Levels:0:AckTimeout"] = "00:00:02",
            ["Escalation:Policies:fast:Levels:1:Contacts:0:Name"] = "secondary",
            ["Escalation:Policies:fast:Levels:1:Contacts:0:Email"] = "carol@example.com",
            ["Escalation:Policies:fast:Levels:1:AckTimeout"] = "00:15:00",
        });
        await sut.Client.ScheduleNewOrchestrationInstanceAsync(nameof(IncidentOrchestrator), IncidentTestHost.Request(), new StartOrchestrationOptions(Id), Cancellation);

        await Eventually.HappensAsync(() => sut.Notifier.Pages.Any(p => p.Level == 2), "the level 2 page");
        Assert.Equal(
            [(1, NotificationKind.Triggered, "@alice"), (2, NotificationKind.Escalated, "carol@example.com")],
            sut.Notifier.Pages.Select(p => (p.Level!.Value, p.Kind, p.Addresses[0])).ToArray());

        // The incident hears of the climb from the ladder.
        await sut.IncidentStatusAsync(s => s is { State: IncidentState.Open, EscalationLevel: 2 }, "level 2 in the incident's status");

        await sut.Client.RaiseEventAsync(Id, IncidentEvents.Acknowledged, new IncidentAction("bob"), Cancellation);
        Assert.Equal(2, (await sut.LadderAcknowledgedAsync()).Level);
        await sut.Client.RaiseEventAsync(Id, IncidentEvents.Resolved, new IncidentAction("bob"), Cancellation);

        var outcome = (await sut.Client.WaitForInstanceCompletionAsync(Id, getInputsAndOutputs: true, sut.Patience)).ReadOutputAs<IncidentOutcome>()!;
        Assert.Equal((IncidentState.Resolved, "bob", "bob"), (outcome.State, outcome.AcknowledgedBy, outcome.ResolvedBy));
        var ladder = await sut.Client.WaitForInstanceCompletionAsync(LadderId, getInputsAndOutputs: true, sut.Patience);
        Assert.Equal(new EscalationResult(2, 2, EscalationMode.Acknowledged, "bob"), ladder.ReadOutputAs<EscalationResult>());
        Assert.Equal(2, sut.Notifier.Pages.Count);

        // In orchestration time the L2 page follows the L1 page by the ack timeout less up to a second. The ladder
        // starts its 2-second timer after the L1 page and the progress report; on Azure Storage a timer is a queue
        // message made visible after FireAt - now, which the storage client sends in whole seconds, truncated, so the
        // framework delivers a timer up to a second before its FireAt (the project's engine never before it).
        var timeline = await sut.Store.GetTimelineAsync(Id, Cancellation);
        var l1 = Assert.Single(timeline, e => e.Kind == IncidentTimelineKinds.Notification && e.Text.StartsWith("Triggered sent to L1", StringComparison.Ordinal));
        var l2 = Assert.Single(timeline, e => e.Kind == IncidentTimelineKinds.Notification && e.Text.StartsWith("Escalated sent to L2", StringComparison.Ordinal));
        Assert.EndsWith("L1 did not acknowledge within 2 s; escalating to L2", l2.Text, StringComparison.Ordinal);
        Assert.InRange(l2.At - l1.At, TimeSpan.FromSeconds(2) - TimeSpan.FromSeconds(1), Eventually.Patience);
        Assert.Contains("escalation stopped at L2 after 2 page(s)", outcome.Report, StringComparison.Ordinal);
        Assert.DoesNotContain(timeline, e => e.Kind == IncidentTimelineKinds.Error);
        var record = await sut.Store.GetAsync(Id, Cancellation);
        Assert.Equal(("fast", 2), (record!.Policy, record.EscalationLevel));
    }

    [Fact]
    public async Task CriticalIncident_AHundredDeliveries_ContinuesAsNewAndItsLadderGoesOn()
    {
        // Durable Functions completes an execution only when none of its sub-orchestrations is open: the incident hands
        // its ladder over before it continues as new, and starts it again under the same id.
        await using var sut = await DtfxIncidents.StartAsync(new Dictionary<string, string?>());
        await sut.Client.ScheduleNewOrchestrationInstanceAsync(nameof(IncidentOrchestrator), IncidentTestHost.Request(), new StartOrchestrationOptions(Id), Cancellation);
        await Eventually.HappensAsync(() => sut.Notifier.Pages.Any(p => p.Level == 1), "the level 1 page");

        for (var n = 0; n < IncidentOrchestrator.EventsPerExecution; n++)
        {
            var alert = IncidentTestHost.Alert($"PodCrashLooping-{n % 50:D2}", severity: "warning");
            await sut.Client.RaiseEventAsync(Id, IncidentEvents.AlertsUpdated, new AlertsUpdate([alert]), Cancellation);
        }

        // The framework runs on the real clock: the quiet minute the incident waits for before it continues is a real one.
        var patience = IncidentOrchestrator.QuietBeforeContinuing + Eventually.Patience;
        var continued = await Eventually.ReturnsAsync(
            async () => (await sut.Client.GetInstanceAsync(Id, getInputsAndOutputs: true, Cancellation))?.ReadInputAs<IncidentRequest>()?.Continuation,
            "the incident continued as new",
            patience);
        Assert.Equal((1, 51, 1), (continued.Executions, continued.Record.Alerts.Count, continued.Ladder!.Pages));
        await Eventually.HappensAsync(
            async () => (await sut.Client.GetInstanceAsync(LadderId, getInputsAndOutputs: true, Cancellation))?.ReadInputAs<EscalationInput>()?.Position.AckDeadline is not null,
            "the ladder started again where it was handed over");

        await sut.Client.RaiseEventAsync(Id, IncidentEvents.Acknowledged, new IncidentAction("bob"), Cancellation);
        Assert.Equal(1, (await sut.LadderAcknowledgedAsync()).Level);
        await sut.Client.RaiseEventAsync(Id, IncidentEvents.Resolved, new IncidentAction("bob"), Cancellation);

        // The host's own patience ran out with the quiet minute; the waits for the end get theirs.
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        ending.CancelAfter(Eventually.Patience);
        var outcome = (await sut.Client.WaitForInstanceCompletionAsync(Id, getInputsAndOutputs: true, ending.Token)).ReadOutputAs<IncidentOutcome>()!;
        Assert.Equal((IncidentState.Resolved, "bob", "bob"), (outcome.State, outcome.AcknowledgedBy, outcome.ResolvedBy));
        Assert.Contains("escalation stopped at L1 after 1 page(s)", outcome.Report, StringComparison.Ordinal);
        Assert.Contains("## Alerts (51)", outcome.Report, StringComparison.Ordinal);
        var ladder = await sut.Client.WaitForInstanceCompletionAsync(LadderId, getInputsAndOutputs: true, ending.Token);
        Assert.Equal(new EscalationResult(1, 1, EscalationMode.Acknowledged, "bob"), ladder.ReadOutputAs<EscalationResult>());
        Assert.Single(sut.Notifier.Pages);
        Assert.DoesNotContain(await sut.Store.GetTimelineAsync(Id, Cancellation), e => e.Kind == IncidentTimelineKinds.Error);
    }

    /// <summary>Incident response on a <see cref="DtfxHost"/>, with <see cref="IncidentTestHost"/>'s fakes as its ports.</summary>
    private sealed class DtfxIncidents : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly DtfxHost _host;
        private readonly CancellationTokenSource _patience;

        private DtfxIncidents(ServiceProvider services, DtfxHost host)
        {
            _services = services;
            _host = host;
            Notifier = services.GetRequiredService<RecordingSender>();
            Store = services.GetRequiredService<InMemoryIncidentStore>();
            _patience = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
            _patience.CancelAfter(Eventually.Patience);
        }

        public DurableTaskClient Client => _host.Client;

        public RecordingSender Notifier { get; }

        public InMemoryIncidentStore Store { get; }

        /// <summary>Gets a token that ends the client's waits after <see cref="Eventually.Patience"/>.</summary>
        public CancellationToken Patience => _patience.Token;

        public static async Task<DtfxIncidents> StartAsync(IDictionary<string, string?> configuration)
        {
            DtfxHost? host = null;
            var services = new ServiceCollection()
                .AddLogging()
                .AddIncidentResponse(new ConfigurationBuilder()
                    .AddInMemoryCollection(IncidentTestHost.DiagnosticsSettings)
                    .AddInMemoryCollection(configuration)
                    .Build())
                .AddSingleton(new RecordingSender(TimeProvider.System))
                .AddSingleton<INotificationSender>(sp => sp.GetRequiredService<RecordingSender>())
                .AddSingleton<InMemoryIncidentStore>()
                .AddSingleton<IIncidentStore>(sp => sp.GetRequiredService<InMemoryIncidentStore>())
                .AddSingleton<IActionLinks, FakeActionLinks>()
                .AddSingleton<IHttpHealthCheck, HealthyChecks>()

                // SignalInstance raises events through the official client: the host's, resolved when an activity first needs it.
                .AddSingleton<DurableTaskClient>(_ => host?.Client ?? throw new InvalidOperationException("The DTFx host has not started."))
                .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            try
            {
                host = await DtfxHost.StartAsync(tasks => tasks.AddIncidentResponse(), services);
                return new DtfxIncidents(services, host);
            }
            catch
            {
                await services.DisposeAsync();
                throw;
            }
        }

        /// <summary>Waits until the incident has forwarded an acknowledgement and the ladder has stopped climbing.</summary>
        /// <returns>The ladder's progress, in Acknowledged mode.</returns>
        public Task<EscalationProgress> LadderAcknowledgedAsync()
            => Eventually.ReturnsAsync(
                async () => (await Client.GetInstanceAsync(LadderId, getInputsAndOutputs: true, Cancellation))?.ReadCustomStatusAs<EscalationProgress>() is { Mode: EscalationMode.Acknowledged } progress
                    ? progress
                    : null,
                "the ladder in Acknowledged mode");

        /// <summary>Waits until the incident's custom status satisfies <paramref name="condition"/>.</summary>
        /// <returns>The status.</returns>
        public Task<IncidentStatus> IncidentStatusAsync(Func<IncidentStatus, bool> condition, string what)
            => Eventually.ReturnsAsync(
                async () => (await Client.GetInstanceAsync(Id, getInputsAndOutputs: true, Cancellation))?.ReadCustomStatusAs<IncidentStatus>() is { } status && condition(status)
                    ? status
                    : null,
                what);

        /// <summary>Deletes the task hub, then the services.</summary>
        public async ValueTask DisposeAsync()
        {
            try
            {
                await _host.DisposeAsync();
            }
            finally
            {
                await _services.DisposeAsync();
                _patience.Dispose();
            }
        }
    }
}
