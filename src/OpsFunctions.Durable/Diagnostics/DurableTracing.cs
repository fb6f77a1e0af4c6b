using System.Diagnostics;

namespace OpsFunctions.Durable.Diagnostics;

/// <summary>
/// The engine's trace source. A start records the caller's W3C trace context on the instance, and activity
/// runs continue that trace, so a webhook, the orchestration's activities and their outbound calls share one trace.
/// </summary>
public static class DurableTracing
{
    /// <summary>The name of the <see cref="ActivitySource"/>; add it to a tracer provider to export the engine's spans.</summary>
    public const string SourceName = "OpsFunctions.Durable";

    internal static readonly ActivitySource Source = new(SourceName);

    /// <summary>Gets the current W3C <c>traceparent</c>, if a trace is being recorded.</summary>
    internal static string? CurrentTraceParent
        => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>Starts a span for a run of an activity under the trace its instance was started in.</summary>
    /// <param name="name">The activity name.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="traceParent">The instance's W3C trace context, if any.</param>
    /// <returns>The span, or <see langword="null"/> when nobody listens.</returns>
    internal static Activity? StartActivity(string name, string instanceId, string? traceParent)
        => Start("activity", name, instanceId, traceParent);

    /// <summary>Starts a span for one orchestration episode (replay, new decisions, commit) under the instance's trace.</summary>
    /// <param name="name">The orchestrator name.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="traceParent">The instance's W3C trace context, if any.</param>
    /// <returns>The span, or <see langword="null"/> when nobody listens.</returns>
    internal static Activity? StartEpisode(string name, string instanceId, string? traceParent)
        => Start("orchestration", name, instanceId, traceParent);

    private static Activity? Start(string kind, string name, string instanceId, string? traceParent)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        var span = Source.StartActivity($"{kind} {name}", ActivityKind.Internal, parent);
        span?.SetTag($"opsfunctions.{kind}", name);
        span?.SetTag("opsfunctions.instance_id", instanceId);
        return span;
    }
}
