using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Routing;

namespace OpsFunctions.Host.Observability;

/// <summary>The host's own instruments: webhook requests by route pattern and status.</summary>
public sealed class HostMetrics : IDisposable
{
    public const string MeterName = "OpsFunctions.Host";

    private readonly Meter _meter;
    private readonly Counter<long> _webhookRequests;

    public HostMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _webhookRequests = _meter.CreateCounter<long>("opsfunctions.webhook.requests", "{request}", "Requests to the triggers under /api/, by route and status.");
    }

    public Meter Meter => _meter;

    public void RecordWebhook(string route, int status)
        => _webhookRequests.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("status", status));

    public void Dispose() => _meter.Dispose();
}

public static class WebhookMetricsMiddleware
{
    /// <summary>Counts every request under <c>/api/</c> by its route pattern (never the raw path: approval tokens live there).</summary>
    public static IApplicationBuilder UseWebhookMetrics(this IApplicationBuilder app)
    {
        var metrics = app.ApplicationServices.GetRequiredService<HostMetrics>();
        return app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                await next(context);
                return;
            }

            try
            {
                await next(context);
            }
            finally
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                metrics.RecordWebhook(route, context.Response.StatusCode);
            }
        });
    }
}
