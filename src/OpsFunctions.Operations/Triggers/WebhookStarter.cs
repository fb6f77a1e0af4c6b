using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsFunctions.Operations.Durability;
using OpsFunctions.Operations.Http;

namespace OpsFunctions.Operations.Triggers;

/// <summary>What a trigger answers: the instance it started, or the one a first delivery of the same id started.</summary>
public sealed record WebhookAccepted(string Id, bool Duplicate);

/// <summary>
/// Starts the orchestration a trigger maps to, at most once per delivery id within the idempotency window.
/// </summary>
public sealed partial class WebhookStarter(
    DurableTaskClient client, OnceGate gate, IOptions<WebhookLimits> limits, ILogger<WebhookStarter> logger)
{
    public async Task<Results<Accepted<WebhookAccepted>, Ok<WebhookAccepted>, ProblemHttpResult>> StartAsync(
        string route, string orchestrator, JsonNode? input, string? deliveryId, CancellationToken cancellationToken)
    {
        // The orchestrator a trigger starts was checked against the registry at start-up (RegisteredOrchestratorValidator).
#pragma warning disable RS0030 // A request handler, not replayed: a fresh id per delivery is what it needs.
        var instanceId = $"{route}-{Guid.NewGuid():N}";
#pragma warning restore RS0030
        if (deliveryId is not null)
        {
            var claim = await gate.TryClaimAsync($"delivery-{route}", deliveryId, limits.Value.IdempotencyWindow, instanceId, cancellationToken);
            if (!claim.Claimed)
            {
                LogDuplicate(route, claim.Reference);
                return TypedResults.Ok(new WebhookAccepted(claim.Reference ?? string.Empty, Duplicate: true));
            }
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new StartOrchestrationOptions(instanceId), cancellationToken);
        }
        catch when (deliveryId is not null)
        {
            // Nothing started: give the delivery id back so the sender's retry is not taken for a duplicate.
            await gate.ReleaseAsync($"delivery-{route}", deliveryId, CancellationToken.None);
            throw;
        }

        LogStarted(route, orchestrator, instanceId);
        return TypedResults.Accepted((string?)null, new WebhookAccepted(instanceId, Duplicate: false));
    }

    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Trigger '{Route}' started {Orchestrator} as '{InstanceId}'.")]
    private partial void LogStarted(string route, string orchestrator, string instanceId);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Trigger '{Route}': a redelivery of an id already handled (instance '{InstanceId}'); nothing started.")]
    private partial void LogDuplicate(string route, string? instanceId);
}
