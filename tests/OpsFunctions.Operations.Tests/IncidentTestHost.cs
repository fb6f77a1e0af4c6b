using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Durable;
using OpsFunctions.Durable.Client;
using OpsFunctions.Operations.Incidents;
using OpsFunctions.Testing.Hosting;

namespace OpsFunctions.Operations.Tests;

/// <summary>The engine's time-skipping host with incident response registered and its ports faked.</summary>
public sealed class IncidentTestHost : IAsyncDisposable
{
    private IncidentTestHost(DurableTestHost host)
    {
        Host = host;
        Notifier = host.Services.GetRequiredService<RecordingNotifier>();
        Store = host.Services.GetRequiredService<InMemoryIncidentStore>();
    }

    public DurableTestHost Host { get; }

    public RecordingNotifier Notifier { get; }

    public InMemoryIncidentStore Store { get; }

    public DateTimeOffset Start => DurableTestHost.DefaultStartTime;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static async Task<IncidentTestHost> StartAsync(
        IDictionary<string, string?>? configuration = null, Action<IServiceCollection>? services = null)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()).Build();
        var host = await DurableTestHost.StartAsync(
            tasks => tasks.AddIncidentResponse(),
            options => options.ConfigureServices = s =>
            {
                s.AddIncidentResponse(config);
                s.AddSingleton(sp => new RecordingNotifier(sp.GetRequiredService<TimeProvider>()));
                s.AddSingleton<IIncidentNotifier>(sp => sp.GetRequiredService<RecordingNotifier>());
                s.AddSingleton<InMemoryIncidentStore>();
                s.AddSingleton<IIncidentStore>(sp => sp.GetRequiredService<InMemoryIncidentStore>());
                s.AddSingleton<IActionLinks, FakeActionLinks>();
                s.AddSingleton<IDiagnosticsRunner, FakeDiagnostics>();
                services?.Invoke(s);
            },
            Cancellation);
        return new IncidentTestHost(host);
    }

    public async Task<string> OpenAsync(IncidentRequest request, string instanceId = "inc-test-1")
    {
        await Host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(IncidentOrchestrator), request, new StartOrchestrationOptions(instanceId), Cancellation);
        await Host.WaitForIdleAsync(Cancellation);
        return instanceId;
    }

    public async Task RaiseAsync(string instanceId, string eventName, object payload)
    {
        await Host.Client.RaiseEventAsync(instanceId, eventName, payload, Cancellation);
        await Host.WaitForIdleAsync(Cancellation);
    }

    /// <summary>Advances the fake clock and waits until every timer due by then has fired and its work is done.</summary>
    /// <remarks>
    /// DurableTestHost marks the queues as changed before it moves the clock, so a dispatcher poll that starts in
    /// between reads the old time, finds nothing and makes the engine look idle with a timer due. A second,
    /// zero-length advance marks the queues again after the clock moved, which closes that window.
    /// </remarks>
    public async Task AdvanceAsync(TimeSpan delta)
    {
        await Host.AdvanceTimeAsync(delta, Cancellation);
        await Host.AdvanceTimeAsync(TimeSpan.Zero, Cancellation);
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
