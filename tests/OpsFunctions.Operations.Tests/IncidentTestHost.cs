using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Durable;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.History;
using OpsFunctions.Integrations.Diagnostics;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Operations.Approvals;
using OpsFunctions.Operations.Incidents;
using OpsFunctions.Testing.Hosting;
using OpsFunctions.Testing.Incidents;

namespace OpsFunctions.Operations.Tests;

/// <summary>The engine's time-skipping host with incident response registered and its ports faked.</summary>
public sealed class IncidentTestHost : IAsyncDisposable
{
    private readonly List<string> _incidents = [];

    private IncidentTestHost(DurableTestHost host)
    {
        Host = host;
        Notifier = host.Services.GetRequiredService<RecordingSender>();
        Store = host.Services.GetRequiredService<InMemoryIncidentStore>();
    }

    public DurableTestHost Host { get; }

    /// <summary>Gets the diagnostics runbook of the payments service: one health check.</summary>
    public static Dictionary<string, string?> DiagnosticsSettings { get; } = new()
    {
        ["Incidents:Diagnostics:payments:HealthChecks:0:Url"] = "https://payments.test/health",
    };

    public RecordingSender Notifier { get; }

    public InMemoryIncidentStore Store { get; }

    public DateTimeOffset Start => DurableTestHost.DefaultStartTime;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static async Task<IncidentTestHost> StartAsync(
        IDictionary<string, string?>? configuration = null, Action<IServiceCollection>? services = null)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(DiagnosticsSettings)
            .AddInMemoryCollection(configuration ?? new Dictionary<string, string?>())
            .Build();
        var host = await DurableTestHost.StartAsync(
            tasks => tasks.AddIncidentResponse(),
            options => options.ConfigureServices = s =>
            {
                s.AddIncidentResponse(config);
                s.AddSingleton(sp => new RecordingSender(sp.GetRequiredService<TimeProvider>()));
                s.AddSingleton<INotificationSender>(sp => sp.GetRequiredService<RecordingSender>());
                s.AddSingleton<InMemoryIncidentStore>();
                s.AddSingleton<IIncidentStore>(sp => sp.GetRequiredService<InMemoryIncidentStore>());
                s.AddSingleton<IActionLinks, FakeActionLinks>();
                s.AddSingleton<IHttpHealthCheck, HealthyChecks>();
                services?.Invoke(s);
            },
            Cancellation);
        return new IncidentTestHost(host);
    }

    public async Task<string> OpenAsync(IncidentRequest request, string instanceId = "inc-test-1")
    {
        await Host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(IncidentOrchestrator), request, new StartOrchestrationOptions(instanceId), Cancellation);
        Track(instanceId);
        await SettleAsync();
        return instanceId;
    }

    public async Task RaiseAsync(string instanceId, string eventName, object payload)
    {
        await Host.Client.RaiseEventAsync(instanceId, eventName, payload, Cancellation);
        await SettleAsync();
    }

    /// <summary>Adds an incident whose instances <see cref="SettleAsync"/> waits for.</summary>
    public void Track(string incidentId)
    {
        lock (_incidents)
        {
            _incidents.Add(incidentId);
        }
    }

    /// <summary>
    /// Waits until the engine is idle and every tracked incident is settled: no activity outstanding, and a running
    /// ladder waiting on a timer still in the future.
    /// </summary>
    /// <remarks>
    /// The test host's idle signal can, rarely and under load, report idle while an incident still has work to do
    /// (seen as a ladder that creates its timer only after the next clock move). Checking the histories, and
    /// waiting for idle again while they are not settled, keeps the exact-time assertions exact.
    /// </remarks>
    public async Task SettleAsync()
    {
        for (var round = 0; ; round++)
        {
            await Host.AdvanceTimeAsync(TimeSpan.Zero, Cancellation);
            string? unsettled = null;
            foreach (var id in TrackedIncidents())
            {
                unsettled ??= await UnsettledAsync(id, ladder: false) ?? await UnsettledAsync(IncidentIds.EscalationOf(id), ladder: true);
            }

            if (unsettled is null)
            {
                return;
            }

            if (round == 200)
            {
                throw new TimeoutException($"The incidents did not settle: {unsettled}.");
            }
        }
    }

    private string[] TrackedIncidents()
    {
        lock (_incidents)
        {
            return [.. _incidents];
        }
    }

    private async Task<string?> UnsettledAsync(string instanceId, bool ladder)
    {
        var instance = await Host.Client.GetInstanceAsync(instanceId, cancellation: Cancellation);
        if (instance is null)
        {
            // A ladder that does not exist yet is unsettled only while its incident runs.
            var parent = ladder ? await Host.Client.GetInstanceAsync(instanceId[..instanceId.LastIndexOf(':')], cancellation: Cancellation) : null;
            return parent is { IsCompleted: false } ? $"{instanceId} not started" : null;
        }

        if (instance.IsCompleted)
        {
            return null;
        }

        var history = await Host.Store.ReadHistoryAsync(instanceId, Cancellation);
        if (history.Count == 0 || history[^1] is ExecutionCompleted)
        {
            return $"{instanceId} between executions";
        }

        var done = history.OfType<TaskCompleted>().Select(e => e.TaskScheduledId)
            .Concat(history.OfType<TaskFailed>().Select(e => e.TaskScheduledId))
            .ToHashSet();
        if (history.OfType<TaskScheduled>().FirstOrDefault(e => !done.Contains(e.TaskId)) is { } outstanding)
        {
            return $"{instanceId} waits for {outstanding.Name}";
        }

        var now = Host.TimeProvider.GetUtcNow();
        return ladder && !history.OfType<TimerCreated>().Any(t => t.FireAt > now) ? $"{instanceId} has no future timer" : null;
    }

    /// <summary>Advances the fake clock and waits until every timer due by then has fired and the incidents settled.</summary>
    /// <remarks>
    /// DurableTestHost marks the queues as changed before it moves the clock, so a dispatcher poll that starts in
    /// between reads the old time, finds nothing and makes the engine look idle with a timer due; the zero-length
    /// advances of <see cref="SettleAsync"/> mark the queues again after the clock moved.
    /// </remarks>
    public async Task AdvanceAsync(TimeSpan delta)
    {
        await Host.AdvanceTimeAsync(delta, Cancellation);
        await SettleAsync();
    }

    public async Task<OrchestrationMetadata> InstanceAsync(string instanceId)
        => await Host.Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, Cancellation)
            ?? throw new InvalidOperationException($"no instance {instanceId}");

    public Task<OrchestrationMetadata> CompletionAsync(string instanceId)
        => Host.Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, Cancellation);

    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(string instanceId)
        => await Store.GetTimelineAsync(instanceId, Cancellation);

    public async Task<IncidentRecord> RecordAsync(string instanceId)
        => await Store.GetAsync(instanceId, Cancellation) ?? throw new InvalidOperationException($"no record {instanceId}");

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    public static Alert Alert(string name, AlertStatus status = AlertStatus.Firing, string severity = "critical", string service = "payments")
        => new()
        {
            Fingerprint = $"fp-{name}",
            Status = status,
            Labels = new Dictionary<string, string> { ["alertname"] = name, ["severity"] = severity, ["service"] = service },
            Annotations = new Dictionary<string, string> { ["summary"] = $"{name} on {service}" },
            StartsAt = DurableTestHost.DefaultStartTime.AddMinutes(-2),
        };

    public static IncidentRequest Request(params Alert[] alerts) => new()
    {
        Source = IncidentSources.Alertmanager,
        OpenedBy = IncidentActors.Alertmanager,
        Receiver = "ops",
        GroupKey = "{}:{alertname=\"HighErrorRate\"}",
        Labels = new Dictionary<string, string> { ["service"] = "payments", ["severity"] = "critical" },
        Alerts = alerts.Length > 0 ? alerts : [Alert("HighErrorRate")],
    };
}
