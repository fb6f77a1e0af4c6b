using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Integrations.Diagnostics;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Integrations.Traffic;
using OpsFunctions.Operations.Approvals;
using OpsFunctions.Operations.Deployments;
using OpsFunctions.Operations.Incidents;
using OpsFunctions.Testing;
using OpsFunctions.Testing.Deployments;
using OpsFunctions.Testing.Hosting;
using OpsFunctions.Testing.Incidents;

namespace OpsFunctions.Operations.Tests.Deployments;

/// <summary>
/// The engine's time-skipping host with deployments and incident response registered; traffic recorded by a fake
/// router, Prometheus answered by a fake whose values the test sets, records kept in memory.
/// </summary>
public sealed class DeploymentTestHost : IAsyncDisposable
{
    public const string Service = "checkout";

    private DeploymentTestHost(DurableTestHost host)
    {
        Host = host;
        Traffic = host.Services.GetRequiredService<RecordingTrafficRouter>();
        Prometheus = host.Services.GetRequiredService<ProgrammablePrometheus>();
        Store = host.Services.GetRequiredService<InMemoryDeploymentStore>();
        Incidents = host.Services.GetRequiredService<InMemoryIncidentStore>();
        Sender = host.Services.GetRequiredService<RecordingSender>();
    }

    public DurableTestHost Host { get; }

    public DurableTaskClient Client => Host.Client;

    public RecordingTrafficRouter Traffic { get; }

    public ProgrammablePrometheus Prometheus { get; }

    public InMemoryDeploymentStore Store { get; }

    public InMemoryIncidentStore Incidents { get; }

    public RecordingSender Sender { get; }

    public RolloutPlanner Planner => Host.Services.GetRequiredService<RolloutPlanner>();

    public RolloutStarter Starter => Host.Services.GetRequiredService<RolloutStarter>();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>The service's settings: nginx in front of one stable and one canary server, Slack for news.</summary>
    public static Dictionary<string, string?> Settings { get; } = new()
    {
        [$"Deployments:Services:{Service}:Traffic:Provider"] = "Nginx",
        [$"Deployments:Services:{Service}:Traffic:ConfigFile"] = "/etc/nginx/opsfunctions/checkout.conf",
        [$"Deployments:Services:{Service}:Stable:0"] = "127.0.0.1:8001",
        [$"Deployments:Services:{Service}:Canary:0"] = "127.0.0.1:8002",
        [$"Deployments:Services:{Service}:Contacts:0:Name"] = "release team",
        [$"Deployments:Services:{Service}:Contacts:0:SlackChannel"] = "#releases",
        ["Diagnostics:Prometheus:BaseUrl"] = "http://prometheus.test:9090",
    };

    public static async Task<DeploymentTestHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(IncidentTestHost.DiagnosticsSettings)
            .AddInMemoryCollection(Settings)
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var host = await DurableTestHost.StartAsync(
            tasks => tasks.AddIncidentResponse().AddDeployments(),
            options => options.ConfigureServices = s =>
            {
                s.AddIncidentResponse(config);
                s.AddDeployments(config);
                s.AddSingleton(sp => new RecordingSender(sp.GetRequiredService<TimeProvider>()));
                s.AddSingleton<INotificationSender>(sp => sp.GetRequiredService<RecordingSender>());
                s.AddSingleton<InMemoryIncidentStore>();
                s.AddSingleton<IIncidentStore>(sp => sp.GetRequiredService<InMemoryIncidentStore>());
                s.AddSingleton<InMemoryDeploymentStore>();
                s.AddSingleton<IDeploymentStore>(sp => sp.GetRequiredService<InMemoryDeploymentStore>());
                s.AddSingleton<IActionLinks, FakeActionLinks>();
                s.AddSingleton<IHttpHealthCheck, HealthyChecks>();
                s.AddSingleton<RecordingTrafficRouter>();
                s.AddSingleton<ITrafficRouter>(sp => sp.GetRequiredService<RecordingTrafficRouter>());
                s.AddSingleton<ProgrammablePrometheus>();
                s.AddSingleton<IPrometheusQueryClient>(sp => sp.GetRequiredService<ProgrammablePrometheus>());
            },
            Cancellation);
        return new DeploymentTestHost(host);
    }

    /// <summary>Plans and starts a rollout of the service; fails the test when the request is refused.</summary>
    public async Task<RolloutPlan> StartAsync(RolloutRequest request)
    {
        var (plan, errors) = Planner.Plan(request, DeploymentSources.Api, Host.TimeProvider.GetUtcNow(), Guid.NewGuid());
        Assert.True(plan is not null, string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value}")));
        var started = await Starter.StartAsync(Client, plan, Cancellation);
        Assert.Null(started.Freeze);
        await SettleAsync();
        return plan;
    }

    public async Task CommandAsync(RolloutPlan plan, string decision, string actor = "alice")
    {
        await Client.RaiseEventAsync(RolloutIds.InstanceOf(plan.Service), RolloutIds.CommandEvent(plan.DeploymentId), new RolloutCommand { Decision = decision, Actor = actor }, Cancellation);
        await SettleAsync();
    }

    public async Task AdvanceAsync(TimeSpan delta)
    {
        await Host.AdvanceTimeAsync(delta, Cancellation);
        await SettleAsync();
    }

    public async Task SettleAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            await Host.AdvanceTimeAsync(TimeSpan.Zero, Cancellation);
        }
    }

    public async Task<DeploymentRecord> RecordAsync(string deploymentId, Func<DeploymentRecord, bool> condition, string what)
    {
        DeploymentRecord? record = null;
        await Eventually.HappensAsync(
            async () =>
            {
                record = await Store.GetAsync(deploymentId, Cancellation);
                return record is not null && condition(record);
            },
            what);
        return record!;
    }

    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(string deploymentId) => await Store.GetTimelineAsync(deploymentId, Cancellation);

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

/// <summary>A traffic router that records every change and can be told to refuse.</summary>
public sealed class RecordingTrafficRouter : ITrafficRouter
{
    private readonly List<(TrafficTarget Target, IReadOnlyList<TrafficBackend> Backends)> _changes = [];

    public bool Refuse { get; set; }

    /// <summary>Gets the canary's weight after each change, in order (the weight of the server on 8002).</summary>
    public IReadOnlyList<int> CanaryWeights
    {
        get
        {
            lock (_changes)
            {
                return [.. _changes.Select(c => c.Backends.Where(b => b.Address.EndsWith(":8002", StringComparison.Ordinal)).Sum(b => b.Weight))];
            }
        }
    }

    public Task<TrafficChange> ApplyAsync(TrafficTarget target, IReadOnlyList<TrafficBackend> backends, CancellationToken cancellationToken)
    {
        if (Refuse)
        {
            return Task.FromResult(new TrafficChange(false, "refused", "nginx -t failed: test refusal"));
        }

        lock (_changes)
        {
            _changes.Add((target, backends));
        }

        return Task.FromResult(new TrafficChange(true, $"upstream {target.Upstream}: {string.Join(", ", backends.Select(b => $"{b.Address}={b.Weight}"))}"));
    }
}
