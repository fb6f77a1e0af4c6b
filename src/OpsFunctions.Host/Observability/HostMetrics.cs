using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Routing;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Host.Observability;

/// <summary>The host's own instruments: webhook requests by route pattern and status.</summary>
public sealed class HostMetrics : IDisposable
{
    public const string MeterName = "OpsFunctions.Host";

    private readonly Meter _meter;
    private readonly Counter<long> _webhookRequests;

    private QueueStatistics? _queues;

    public HostMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _webhookRequests = _meter.CreateCounter<long>("opsfunctions.webhook.requests", "{request}", "Requests to the triggers under /api/, by route and status.");
        _meter.CreateObservableGauge("opsfunctions.pending.orchestration_messages", () => Queue(q => q.PendingOrchestrationMessages), "{message}", "Orchestration messages waiting for an episode: those due now, or on Azure Storage every control-queue message.");
        _meter.CreateObservableGauge("opsfunctions.pending.activities", () => Queue(q => q.PendingActivities), "{work_item}", "Activity work items waiting for a worker: those due now and unlocked, or on Azure Storage every work-item queue message.");
        _meter.CreateObservableGauge("opsfunctions.pending.timers", () => Queue(q => q.ScheduledTimers), "{timer}", "Durable timers and delayed starts not yet due; absent where the store cannot count them apart (Azure Storage).");
    }

    /// <summary>Reads the store's queue counts, once per scrape: the gauges report what this read saw.</summary>
    public async Task RefreshQueuesAsync(IDurableStore store, CancellationToken cancellationToken)
    {
        if (store is IDurableStoreStatistics statistics)
        {
            _queues = await statistics.GetQueueStatisticsAsync(cancellationToken);
        }
    }

    public Meter Meter => _meter;

    public void RecordWebhook(string route, int status)
        => _webhookRequests.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("status", status));

    public void Dispose() => _meter.Dispose();

    /// <summary>No measurement when the store has no counts, or cannot tell this one: an absent gauge, not a false zero.</summary>
    private IEnumerable<Measurement<long>> Queue(Func<QueueStatistics, long?> read)
        => _queues is { } queues && read(queues) is { } value ? [new Measurement<long>(value)] : [];
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
