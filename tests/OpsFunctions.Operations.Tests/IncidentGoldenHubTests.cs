using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpsFunctions.Durable;
using OpsFunctions.Durable.Sqlite;
using OpsFunctions.Integrations.Diagnostics;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Operations.Approvals;
using OpsFunctions.Operations.Escalation;
using OpsFunctions.Operations.Incidents;
using OpsFunctions.Testing.Hosting;
using OpsFunctions.Testing.Incidents;

namespace OpsFunctions.Operations.Tests;

/// <summary>
/// Incidents in flight, recorded by the initial revision of the workflows (Golden/README.md says what the hub holds),
/// replay their histories on the current code and go on to the end with the initial revision's behaviour.
/// </summary>
public sealed class IncidentGoldenHubTests : IAsyncDisposable
{
    private const string GoldenFile = "incidents-initial.db";
    private const string Open = "inc-golden-open";
    private const string High = "inc-golden-high";
    private const string Acked = "inc-golden-acked";

    private static readonly DateTimeOffset WrittenAt = DurableTestHost.DefaultStartTime.AddMinutes(20);

    private readonly string _directory = Directory.CreateTempSubdirectory("opsfunctions-golden-incidents-").FullName;
    private readonly FakeTimeProvider _time = new(WrittenAt);
    private IHost? _host;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InFlightIncidents_OfTheInitialRevision_ReplayAndFinishAsRecorded()
    {
        var (client, sender, store) = await StartAsync();

        // Another critical alert joins the High incident: the initial revision keeps the severity it opened with.
        await client.RaiseEventAsync(High, IncidentEvents.AlertsUpdated, new AlertsUpdate([IncidentTestHost.Alert("CheckoutDown")]), Cancellation);
        var high = await RecordAsync(store, High, r => r.Alerts.Count == 3, "the High incident's third alert");
        Assert.Equal(Severity.High, high.Severity);

        // L2's 30 minutes run out at 08:45: both unacknowledged ladders page L3 and tell their incidents.
        _time.Advance(DurableTestHost.DefaultStartTime.AddMinutes(45) - _time.GetUtcNow());
        await Eventually.HappensAsync(() => sender.Pages.Count(p => p.Level == 3) == 2, "the two L3 pages");
        Assert.All(sender.Pages, p => Assert.Equal((3, NotificationKind.Escalated, DurableTestHost.DefaultStartTime.AddMinutes(45)), (p.Level!.Value, p.Kind, p.At)));
        await RecordAsync(store, Open, r => r.EscalationLevel == 3, "L3 in the open incident's record");
        await RecordAsync(store, High, r => r.EscalationLevel == 3, "L3 in the High incident's record");

        // Acknowledged, the open incident's ladder stops climbing; the acknowledged one waits for its resolution.
        await client.RaiseEventAsync(Open, IncidentEvents.Acknowledged, new IncidentAction("bob"), Cancellation);
        await Eventually.HappensAsync(
            async () => (await client.GetInstanceAsync(IncidentIds.EscalationOf(Open), getInputsAndOutputs: true, Cancellation))?.ReadCustomStatusAs<EscalationProgress>()?.Mode == EscalationMode.Acknowledged,
            "the open incident's ladder acknowledged");

        await client.RaiseEventAsync(Open, IncidentEvents.Resolved, new IncidentAction("bob"), Cancellation);
        await client.RaiseEventAsync(Acked, IncidentEvents.Resolved, new IncidentAction("alice", "disk cleaned"), Cancellation);
        await client.RaiseEventAsync(
            High,
            IncidentEvents.AlertsUpdated,
            new AlertsUpdate([.. new[] { "HighErrorRate", "PaymentsDown", "CheckoutDown" }.Select(name => IncidentTestHost.Alert(name, AlertStatus.Resolved))]),
            Cancellation);

        var open = await CompletedAsync(client, Open);
        Assert.Equal(("bob", TimeSpan.FromMinutes(45), TimeSpan.FromMinutes(45)), (open.AcknowledgedBy, open.TimeToAcknowledge, open.TimeToResolve));
        Assert.Contains("escalation stopped at L3 after 3 page(s)", open.Report, StringComparison.Ordinal);
        var acked = await CompletedAsync(client, Acked);
        Assert.Equal(("alice", TimeSpan.FromMinutes(18)), (acked.AcknowledgedBy, acked.TimeToAcknowledge));
        Assert.Contains("escalation stopped at L2 after 2 page(s)", acked.Report, StringComparison.Ordinal);
        var resolved = await CompletedAsync(client, High);
        Assert.Equal(IncidentActors.Alertmanager, resolved.ResolvedBy);
        Assert.Contains("escalation stopped at L3 after 3 page(s)", resolved.Report, StringComparison.Ordinal);
        Assert.Equal(Severity.High, (await store.GetAsync(High, Cancellation))!.Severity);
        foreach (var id in new[] { Open, High, Acked })
        {
            var ladder = await client.WaitForInstanceCompletionAsync(IncidentIds.EscalationOf(id), getInputsAndOutputs: true, Cancellation);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, ladder.RuntimeStatus);
            Assert.DoesNotContain(await store.GetTimelineAsync(id, Cancellation), e => e.Kind == IncidentTimelineKinds.Error);
        }

        // No severity was raised and nothing beyond L3 was paged: only the pages, acknowledgement and closing notices above.
        Assert.DoesNotContain(sender.Sent, s => s.Kind == NotificationKind.Triggered);
        Assert.Equal(2, sender.Pages.Count);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync(CancellationToken.None);
            _host.Dispose();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<IncidentRecord> RecordAsync(InMemoryIncidentStore store, string id, Func<IncidentRecord, bool> condition, string what)
        => await Eventually.ReturnsAsync(async () => await store.GetAsync(id, Cancellation) is { } record && condition(record) ? record : null, what);

    private static async Task<IncidentOutcome> CompletedAsync(DurableTaskClient client, string id)
    {
        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);
        Assert.Null(done.FailureDetails);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        return done.ReadOutputAs<IncidentOutcome>()!;
    }

    /// <summary>Opens a copy of the golden hub with the current workflows and <see cref="IncidentTestHost"/>'s fakes, at the time it was written.</summary>
    private async Task<(DurableTaskClient Client, RecordingSender Sender, InMemoryIncidentStore Store)> StartAsync()
    {
        var copy = Path.Combine(_directory, GoldenFile);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Golden", GoldenFile), copy);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(IncidentTestHost.DiagnosticsSettings).Build();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddIncidentResponse(configuration);
        builder.Services.AddSingleton(new RecordingSender(_time));
        builder.Services.AddSingleton<INotificationSender>(sp => sp.GetRequiredService<RecordingSender>());
        builder.Services.AddSingleton<InMemoryIncidentStore>();
        builder.Services.AddSingleton<IIncidentStore>(sp => sp.GetRequiredService<InMemoryIncidentStore>());
        builder.Services.AddSingleton<IActionLinks, FakeActionLinks>();
        builder.Services.AddSingleton<IHttpHealthCheck, HealthyChecks>();
        builder.Services.AddDurableTask().AddTasks(tasks => tasks.AddIncidentResponse()).UseSqlite($"Data Source={copy}");
        _host = builder.Build();
        await _host.StartAsync(Cancellation);
        return (
            _host.Services.GetRequiredService<DurableTaskClient>(),
            _host.Services.GetRequiredService<RecordingSender>(),
            _host.Services.GetRequiredService<InMemoryIncidentStore>());
    }
}
