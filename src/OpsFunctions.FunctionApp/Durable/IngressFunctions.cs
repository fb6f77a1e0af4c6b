using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using OpsFunctions.Operations.Durability;

namespace OpsFunctions.FunctionApp.Durable;

/// <summary>What every feature's ingress shares: the marker orchestration behind once-only claims (idempotency keys).</summary>
public static class IngressFunctions
{
    private static readonly OnceMarker Marker = new();

    [Function(nameof(OnceMarker))]
    public static Task<string?> RunOnceMarker([OrchestrationTrigger] TaskOrchestrationContext context)
        => TaskFunctions.RunOrchestratorAsync(context, Marker);
}
