using System.Security.Cryptography;
using System.Text;
using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace OpsFunctions.Operations.Durability;

/// <summary>The outcome of a claim: whether this caller won, and the reference the winner left.</summary>
public readonly record struct OnceClaim(bool Claimed, string? Reference);

/// <summary>
/// "Do this once" across requests, redeliveries and hosts, remembered durably in the task hub: webhook
/// delivery ids, approval tokens and schedule occurrences are claimed here.
/// </summary>
public sealed class OnceGate(DurableTaskClient client, TimeProvider timeProvider)
{
    public const string InstancePrefix = "once-";

    public async Task<OnceClaim> TryClaimAsync(string scope, string key, TimeSpan hold, string? reference, CancellationToken cancellationToken)
    {
        var markerId = MarkerId(scope, key);
        var holdUntil = timeProvider.GetUtcNow() + hold;
        var input = new OnceMarkerInput(holdUntil, reference);
        try
        {
            // A start scheduled for the end of the hold: the marker stays Pending, which blocks the id, at the cost of one
            // write; then it runs once and completes, and the id may be claimed again.
            await client.ScheduleNewOrchestrationInstanceAsync(
                nameof(OnceMarker), input, new StartOrchestrationOptions(markerId, holdUntil), cancellationToken);
            return new OnceClaim(true, reference);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            var existing = await client.GetInstanceAsync(markerId, getInputsAndOutputs: true, cancellationToken);
            return new OnceClaim(false, existing?.ReadInputAs<OnceMarkerInput>()?.Reference);
        }
    }

    /// <summary>Whether a claim is held now, without claiming.</summary>
    public async Task<bool> IsClaimedAsync(string scope, string key, CancellationToken cancellationToken)
    {
        var marker = await client.GetInstanceAsync(MarkerId(scope, key), getInputsAndOutputs: true, cancellationToken);
        return marker?.ReadInputAs<OnceMarkerInput>() is { } input && input.HoldUntil > timeProvider.GetUtcNow();
    }

    /// <summary>Gives a claim back when the work it guarded could not be done, so a retry may do it.</summary>
    public async Task ReleaseAsync(string scope, string key, CancellationToken cancellationToken)
    {
        var markerId = MarkerId(scope, key);
        try
        {
            await client.TerminateInstanceAsync(markerId, cancellation: cancellationToken);
            await client.WaitForInstanceCompletionAsync(markerId, cancellation: cancellationToken);
            await client.PurgeInstanceAsync(markerId, cancellationToken);
        }
        catch (InvalidOperationException)
        {
            // Already ended or gone: a later claim replaces an ended marker anyway.
        }
    }

    /// <summary>Keys come from callers (delivery ids, headers), so they are hashed into a safe, fixed-length id.</summary>
    public static string MarkerId(string scope, string key)
        => $"{InstancePrefix}{scope}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..40]}";
}
