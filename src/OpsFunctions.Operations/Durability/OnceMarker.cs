using Microsoft.DurableTask;

namespace OpsFunctions.Operations.Durability;

/// <summary>What a claim remembers: until when it holds, and what the first claimant did (an instance id).</summary>
public sealed record OnceMarkerInput(DateTimeOffset HoldUntil, string? Reference);

/// <summary>
/// A claim kept as a durable instance, scheduled to start at <see cref="OnceMarkerInput.HoldUntil"/>: until then it
/// is Pending, and starting an instance id that is pending fails atomically in every store, so only the first claim
/// wins. The timer covers a start that comes early (clock skew between hosts).
/// </summary>
public sealed class OnceMarker : TaskOrchestrator<OnceMarkerInput, string?>
{
    public override async Task<string?> RunAsync(TaskOrchestrationContext context, OnceMarkerInput input)
    {
        if (input.HoldUntil.UtcDateTime > context.CurrentUtcDateTime)
        {
            await context.CreateTimer(input.HoldUntil.UtcDateTime, CancellationToken.None);
        }

        return input.Reference;
    }
}
