using System.Globalization;
using Microsoft.DurableTask;

namespace OpsFunctions.Operations.Escalation;

/// <summary>
/// An escalation ladder: pages the levels of a policy in turn until someone acknowledges or its parent stops it.
/// The incident runs one per incident, as a sub-orchestration.
/// </summary>
/// <remarks>
/// <para>Each level: page its contacts through the parent's page activity (<see cref="EscalationInput.PageActivity"/>),
/// then wait for <see cref="EscalationEvents.Acknowledged"/>, <see cref="EscalationEvents.Stop"/> or the level's ack
/// timeout. Timeout: the next level. After the last level the ladder runs again <c>Repeat</c> times; then it is
/// Unacknowledged and the last level is paged again at its ack timeout until someone acknowledges or the parent stops it.</para>
/// <para>An acknowledgement stops the climb; if <see cref="EscalationEvents.Stop"/> does not follow within
/// the level's resolution timeout, paging resumes at the next level (the last level again when the
/// acknowledgement came at the last level).</para>
/// <para>Every step ends with ContinueAsNew, so the history of a ladder that pages forever stays a few events long.</para>
/// <para>From <see cref="EscalationRevisions.Handover"/> the ladder tells its parent of its progress with
/// <c>SendEvent</c>, and ends on <see cref="EscalationEvents.Handover"/> with its position
/// (<see cref="EscalationResult.ResumeAt"/>): the parent's next execution starts it again from there, waiting out the
/// level's acknowledgement time without paging it again. A parent cannot continue as new while the ladder it
/// started runs: Durable Functions completes an execution only when none of its sub-orchestrations is open.</para>
/// </remarks>
public sealed class EscalationOrchestrator : TaskOrchestrator<EscalationInput, EscalationResult>
{
    public override async Task<EscalationResult> RunAsync(TaskOrchestrationContext context, EscalationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (string.IsNullOrWhiteSpace(input.PageActivity))
        {
            throw new ArgumentException("The ladder's input names no page activity (EscalationInput.PageActivity).", nameof(input));
        }

        var position = input.Position;
        var levels = input.Policy.Levels;
        if (levels.Count == 0)
        {
            return new EscalationResult(0, position.Pages, position.Mode, null);
        }

        var level = levels[Math.Clamp(position.LevelIndex, 0, levels.Count - 1)];
        context.SetCustomStatus(new EscalationProgress(level.Number, level.Name, position.Pass, position.Mode));
        if (position.Mode == EscalationMode.Acknowledged)
        {
            return await WaitForResolutionAsync(context, input, level);
        }

        return await PageAsync(context, input, level);
    }

    private static async Task<EscalationResult> PageAsync(TaskOrchestrationContext context, EscalationInput input, EscalationLevel level)
    {
        var position = input.Position;
        if (position.AckDeadline is { } paged)
        {
            // Handed over after this level was paged: only its acknowledgement time is left.
            return await WaitForAcknowledgementAsync(context, input, level, position with { AckDeadline = null }, paged.UtcDateTime);
        }

        var now = Now(context);
        var kind = position.Mode == EscalationMode.Unacknowledged ? EscalationPageKind.Unacknowledged
            : position.Pages == 0 ? EscalationPageKind.Triggered
            : EscalationPageKind.Escalated;
        var notify = context.CallActivityAsync(
            input.PageActivity,
            new EscalationPage
            {
                ParentId = input.ParentId,
                Kind = kind,
                Subject = input.Subject,
                Contacts = level.Contacts,
                Level = level.Number,
                LevelName = level.Name,
                Note = position.Note,
                At = now,
            },
            EscalationActivityOptions.Retry);
        if (position.Announce && input.Revision >= EscalationRevisions.Handover)
        {
            // An event in the episode's commit: no activity, no work item, no storage read to raise it.
            context.SendEvent(input.ParentId, EscalationEvents.Progress, new EscalationProgress(level.Number, level.Name, position.Pass, position.Mode, position.Resumed));
            await notify;
        }
        else if (position.Announce)
        {
            var progress = new EscalationProgress(level.Number, level.Name, position.Pass, position.Mode, position.Resumed);
            await Task.WhenAll(notify, context.CallActivityAsync<bool>(
                nameof(SignalInstance),
                new SignalInstanceInput(input.ParentId, EscalationEvents.Progress) { Progress = progress },
                EscalationActivityOptions.Retry));
        }
        else
        {
            await notify;
        }

        position = position with { Pages = position.Pages + 1, Note = null, Resumed = false };
        return await WaitForAcknowledgementAsync(context, input, level, position, context.CurrentUtcDateTime.Add(level.AckTimeout));
    }

    private static async Task<EscalationResult> WaitForAcknowledgementAsync(
        TaskOrchestrationContext context, EscalationInput input, EscalationLevel level, EscalationPosition position, DateTime deadline)
    {
        var (signal, action) = await WaitAsync(context, input, deadline);
        switch (signal)
        {
            case Signal.Stop:
                return new EscalationResult(level.Number, position.Pages, position.Mode, action?.Actor);
            case Signal.Handover:
                return new EscalationResult(level.Number, position.Pages, position.Mode, null)
                {
                    ResumeAt = position with { AckDeadline = new DateTimeOffset(deadline, TimeSpan.Zero) },
                };
            case Signal.Acknowledged:
                context.ContinueAsNew(input with
                {
                    Position = position with
                    {
                        Mode = EscalationMode.Acknowledged,
                        AcknowledgedBy = action?.Actor,
                        ResolutionDeadline = Now(context).Add(level.ResolutionTimeout),
                    },
                });
                return new EscalationResult(level.Number, position.Pages, EscalationMode.Acknowledged, null);
            default:
                context.ContinueAsNew(input with { Position = AfterAckTimeout(input.Policy, position, level) });
                return new EscalationResult(level.Number, position.Pages, position.Mode, null);
        }
    }

    private static async Task<EscalationResult> WaitForResolutionAsync(TaskOrchestrationContext context, EscalationInput input, EscalationLevel level)
    {
        var position = input.Position;
        var deadline = (position.ResolutionDeadline ?? Now(context).Add(level.ResolutionTimeout)).UtcDateTime;
        while (true)
        {
            var (signal, action) = await WaitAsync(context, input, deadline);
            switch (signal)
            {
                case Signal.Stop:
                    return new EscalationResult(level.Number, position.Pages, position.Mode, action?.Actor);
                case Signal.Handover:
                    return new EscalationResult(level.Number, position.Pages, position.Mode, null)
                    {
                        ResumeAt = position with { ResolutionDeadline = new DateTimeOffset(deadline, TimeSpan.Zero) },
                    };
                case Signal.Acknowledged:
                    // Already acknowledged: a second acknowledgement changes nothing here (the incident records it).
                    continue;
            }

            var levels = input.Policy.Levels;
            var next = Math.Min(position.LevelIndex + 1, levels.Count - 1);
            context.ContinueAsNew(input with
            {
                Position = position with
                {
                    Mode = EscalationMode.Paging,
                    LevelIndex = next,
                    ResolutionDeadline = null,
                    AcknowledgedBy = null,
                    Announce = true,
                    Resumed = true,
                    Note = string.Create(
                        CultureInfo.InvariantCulture,
                        $"not resolved within {Format(level.ResolutionTimeout)} of the acknowledgement at {level.Name}; escalation resumes at {levels[next].Name}"),
                },
            });
            return new EscalationResult(level.Number, position.Pages, position.Mode, null);
        }
    }

    private static EscalationPosition AfterAckTimeout(EscalationPolicy policy, EscalationPosition position, EscalationLevel level)
    {
        var levels = policy.Levels;
        var waited = Format(level.AckTimeout);
        if (position.Mode == EscalationMode.Unacknowledged)
        {
            return position with { Announce = false, Note = $"still unacknowledged after {waited}; paging {level.Name} again" };
        }

        if (position.LevelIndex + 1 < levels.Count)
        {
            var next = levels[position.LevelIndex + 1];
            return position with
            {
                LevelIndex = position.LevelIndex + 1,
                Announce = true,
                Note = $"{level.Name} did not acknowledge within {waited}; escalating to {next.Name}",
            };
        }

        if (position.Pass < policy.Repeat)
        {
            return position with
            {
                Pass = position.Pass + 1,
                LevelIndex = 0,
                Announce = true,
                Note = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{level.Name} did not acknowledge within {waited}; repeating the ladder from {levels[0].Name} (repeat {position.Pass + 1} of {policy.Repeat})"),
            };
        }

        return position with
        {
            Mode = EscalationMode.Unacknowledged,
            LevelIndex = levels.Count - 1,
            Announce = true,
            Note = $"{level.Name} did not acknowledge within {waited} and the ladder ran out: unacknowledged, paging {levels[^1].Name} every {Format(levels[^1].AckTimeout)}",
        };
    }

    private static async Task<(Signal Signal, EscalationAction? Action)> WaitAsync(TaskOrchestrationContext context, EscalationInput input, DateTime deadline)
    {
        using var cancellation = new CancellationTokenSource();
        var acknowledged = context.WaitForExternalEvent<EscalationAction?>(EscalationEvents.Acknowledged, cancellation.Token);
        var stop = context.WaitForExternalEvent<EscalationAction?>(EscalationEvents.Stop, cancellation.Token);
        var timer = context.CreateTimer(deadline, cancellation.Token);
        var handover = input.Revision >= EscalationRevisions.Handover
            ? context.WaitForExternalEvent<EscalationAction?>(EscalationEvents.Handover, cancellation.Token)
            : null;
        await (handover is null ? Task.WhenAny(acknowledged, stop, timer) : Task.WhenAny(acknowledged, stop, timer, handover));

        // Cancel synchronously: CancelAsync would continue off the replay scheduler.
#pragma warning disable VSTHRD103, CA1849
        cancellation.Cancel();
#pragma warning restore VSTHRD103, CA1849
        if (stop.IsCompletedSuccessfully)
        {
            return (Signal.Stop, await stop);
        }

        // An acknowledgement that came with the handover goes to the next ladder with the parent's state.
        if (handover is { IsCompletedSuccessfully: true })
        {
            return (Signal.Handover, await handover);
        }

        return acknowledged.IsCompletedSuccessfully ? (Signal.Acknowledged, await acknowledged) : (Signal.Timeout, null);
    }

    private static DateTimeOffset Now(TaskOrchestrationContext context) => new(context.CurrentUtcDateTime, TimeSpan.Zero);

    internal static string Format(TimeSpan span)
        => span.TotalMinutes < 1 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} s")
        : span.TotalHours < 1 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.##} h");

    private enum Signal
    {
        Timeout,
        Acknowledged,
        Stop,
        Handover,
    }
}
