using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpsFunctions.Durable.Diagnostics;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Host.Observability;

/// <summary><c>/healthz</c> (the process answers), <c>/readyz</c> (the store answers) and <c>/metrics</c> (Prometheus text).</summary>
public static class ObservabilityEndpoints
{
    public const string ReadyTag = "ready";
    public static readonly TimeSpan StoreProbeTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddOpsObservability(this IServiceCollection services)
    {
        services.AddSingleton<HostMetrics>();
        services.AddSingleton(sp => new PrometheusText([sp.GetRequiredService<DurableMetrics>().Meter, sp.GetRequiredService<HostMetrics>().Meter]));
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        return app;
    }

    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder app)
    {
        // Resolved at start so the listener sees every instrument from the first request on.
        var prometheus = app.ServiceProvider.GetRequiredService<PrometheusText>();
        app.MapGet("/metrics", async (HostMetrics metrics, IDurableStore store, CancellationToken cancellationToken) =>
        {
            await metrics.RefreshQueuesAsync(store, cancellationToken);
            return TypedResults.Text(prometheus.Render(), "text/plain; version=0.0.4; charset=utf-8");
        });
        return app;
    }
}

/// <summary>Ready when the store answers a read within <see cref="ObservabilityEndpoints.StoreProbeTimeout"/>.</summary>
public sealed class StoreHealthCheck(IDurableStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ObservabilityEndpoints.StoreProbeTimeout);
        try
        {
            await store.QueryInstancesAsync(new InstanceFilter { PageSize = 1 }, timeout.Token);
            return HealthCheckResult.Healthy("The store answers.");
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The store does not answer: {exception.Message}");
        }
    }
}
