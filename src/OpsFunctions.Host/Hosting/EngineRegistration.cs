using OpsFunctions.Durable;
using OpsFunctions.Operations;
using OpsFunctions.Operations.Http;
using OpsFunctions.Operations.Samples;

namespace OpsFunctions.Host.Hosting;

/// <summary>
/// The engine from <c>host.json</c>: <c>extensions:durableTask</c> binds to <see cref="DurableTaskOptions"/>, with
/// Durable Functions' own setting names understood too.
/// </summary>
public static class EngineRegistration
{
    public const string DurableTaskSection = "extensions:durableTask";

    /// <summary>The host's default grace period for running activities on SIGTERM.</summary>
    public static readonly TimeSpan DefaultShutdownGracePeriod = TimeSpan.FromSeconds(25);

    /// <summary>Added to the grace period so the host waits for the worker to hand back what did not finish.</summary>
    public static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddOpsEngine(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var paths = HostPaths.From(configuration, environment.ContentRootPath);
        services.AddSingleton(paths);
        services
            .AddDurableTask(options => options.ShutdownGracePeriod = DefaultShutdownGracePeriod)
            .AddTasks(tasks => tasks.AddOpsIngress().AddSamples().AddIncidentResponse().AddDeployments())
            .UseConfiguredStorage(configuration, paths);
        services.AddRecordStorage(configuration, paths);

        var section = configuration.GetSection(DurableTaskSection);
        services.AddOptions<DurableTaskOptions>()
            .Bind(section)
            .Configure(options => ApplyFunctionsNames(options, section));
        services.AddOptions<HostOptions>()
            .Configure<Microsoft.Extensions.Options.IOptions<DurableTaskOptions>>((host, engine) =>
            {
                var needed = engine.Value.ShutdownGracePeriod + ShutdownMargin;
                if (host.ShutdownTimeout < needed)
                {
                    host.ShutdownTimeout = needed;
                }
            });
        return services;
    }

    private static void ApplyFunctionsNames(DurableTaskOptions options, IConfigurationSection section)
    {
        if (section.GetValue<int?>("maxConcurrentActivityFunctions") is { } activities)
        {
            options.MaxConcurrentActivities = activities;
        }

        if (section.GetValue<int?>("maxConcurrentOrchestratorFunctions") is { } orchestrations)
        {
            options.MaxConcurrentOrchestrations = orchestrations;
        }

        if (section.GetValue<TimeSpan?>("storageProvider:maxQueuePollingInterval") is { } polling)
        {
            options.MaxPollingInterval = polling;
        }

        if (section.GetValue<int?>("extendedSessionIdleTimeoutInSeconds") is { } idle)
        {
            options.CachedOrchestrationIdleTimeout = TimeSpan.FromSeconds(idle);
        }
    }
}
