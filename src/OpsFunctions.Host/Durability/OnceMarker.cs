using OpsFunctions.Durable;

namespace OpsFunctions.Host.Durability;

/// <summary>What a claim remembers: until when it holds, and what the first claimant did (an instance id).</summary>
public sealed record OnceMarkerInput(DateTimeOffset HoldUntil, string? Reference);

/// <summary>
/// A claim kept as a durable instance: it stays running until <see cref="OnceMarkerInput.HoldUntil"/>, and
/// starting an instance id that is still running fails atomically in every store, so only the first claim wins.
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
