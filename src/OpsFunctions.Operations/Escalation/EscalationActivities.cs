using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace OpsFunctions.Operations.Escalation;

/// <summary>The retry policy of the ladder's activities: three attempts, 5 s then 10 s apart, on durable timers.</summary>
public static class EscalationActivityOptions
{
    public static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromSeconds(5), backoffCoefficient: 2));
}

/// <summary>Why a ladder pages.</summary>
/// <remarks>The names are those of the parent's notification kinds, which ladders in flight recorded.</remarks>
[JsonConverter(typeof(JsonStringEnumConverter<EscalationPageKind>))]
public enum EscalationPageKind
{
    /// <summary>The first page of the ladder.</summary>
    Triggered,

    /// <summary>A later level, or the ladder again from its first level.</summary>
    Escalated,

    /// <summary>The ladder ran out without an acknowledgement; the last level keeps being paged.</summary>
    Unacknowledged,
}

/// <summary>
/// The input of the page activity, the activity the parent names in <see cref="EscalationInput.PageActivity"/>:
/// who to page at which level, about what, and why.
/// </summary>
/// <remarks>
/// The JSON names are those the incident's notification activity reads, which ladders in flight recorded:
/// the parent's id is <c>incidentId</c>, the subject <c>incident</c>.
/// </remarks>
public sealed record EscalationPage
{
    /// <summary>Gets the parent instance, whose acknowledge link the page carries.</summary>
    [JsonPropertyName("incidentId")]
    public required string ParentId { get; init; }

    public EscalationPageKind Kind { get; init; }

    /// <summary>Gets what the page is about, as the parent gave it in <see cref="EscalationInput.Subject"/>.</summary>
    [JsonPropertyName("incident")]
    public JsonElement Subject { get; init; }

    public required IReadOnlyList<Contact> Contacts { get; init; }

    /// <summary>Gets the level's number, 1 for L1.</summary>
    public int Level { get; init; }

    public required string LevelName { get; init; }

    /// <summary>Gets who the timeline names for the page: <see cref="EscalationPage.LadderActor"/>.</summary>
    public string Actor { get; init; } = LadderActor;

    /// <summary>Gets why the page goes out, for the timeline.</summary>
    public string? Note { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>The actor of every page: <c>escalation</c>.</summary>
    public const string LadderActor = "escalation";
}

/// <summary>The payload of <see cref="EscalationEvents.Acknowledged"/>, <see cref="EscalationEvents.Stop"/> and <see cref="EscalationEvents.Handover"/>.</summary>
/// <param name="Actor">Who acted.</param>
/// <param name="Note">An optional note.</param>
public sealed record EscalationAction(string? Actor = null, string? Note = null);

/// <summary>The input of <see cref="SelectEscalationPolicy"/>.</summary>
public sealed record SelectEscalationPolicyInput(string? Service, Severity Severity, string? Policy);

/// <summary>Picks the escalation policy from configuration (an activity, so history records the choice).</summary>
public sealed class SelectEscalationPolicy(EscalationPolicySelector selector) : TaskActivity<SelectEscalationPolicyInput, EscalationPolicy>
{
    public override Task<EscalationPolicy> RunAsync(TaskActivityContext context, SelectEscalationPolicyInput input)
        => Task.FromResult(selector.Select(input.Service, input.Severity, input.Policy));
}

/// <summary>The input of <see cref="SignalInstance"/>: one event and its payload (an action or a progress report).</summary>
public sealed record SignalInstanceInput(string InstanceId, string EventName)
{
    public EscalationAction? Action { get; init; }

    public EscalationProgress? Progress { get; init; }
}

/// <summary>
/// Raises an event on another instance, for <see cref="EscalationRevisions.Initial"/>: the parent forwards
/// <c>acknowledged</c> and <c>stop</c> to its ladder, the ladder reports progress to the parent. Later revisions send
/// events from the orchestration itself. Returns false when the target has already ended.
/// </summary>
public sealed class SignalInstance(DurableTaskClient client) : TaskActivity<SignalInstanceInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, SignalInstanceInput input)
    {
        try
        {
            await client.RaiseEventAsync(input.InstanceId, input.EventName, (object?)input.Progress ?? input.Action, CancellationToken.None);
            return true;
        }
        catch (ArgumentException)
        {
            // The ladder may not have started yet: fail so the orchestration's retry policy tries again.
            throw;
        }
        catch (InvalidOperationException)
        {
            // The target has ended: nothing to tell it.
            return false;
        }
    }
}
