using Microsoft.DurableTask;
using OpsFunctions.Operations.Escalation;

namespace OpsFunctions.Operations.Incidents;

/// <summary>Resolution: stop the ladder, notify, compute the times, write, store and send the report.</summary>
public sealed partial class IncidentOrchestrator
{
    private static async Task<IncidentOutcome> ResolveAsync(
        TaskOrchestrationContext context, IncidentRecord record, IncidentAction resolution, Task<EscalationResult>? ladder, bool sendsEvents)
    {
        var now = Now(context);
        var actor = resolution.Actor ?? "unknown";
        record = record with { State = IncidentState.Resolved, ResolvedAt = now, ResolvedBy = actor };
        SetStatus(context, record);
        List<TimelineEntry> entries =
        [
            new(now, actor, IncidentTimelineKinds.Resolved, $"resolved by {actor}" + (resolution.Note is { Length: > 0 } note ? $": {note}" : string.Empty)),
        ];

        if (ladder is not null)
        {
            // A running ladder is there to receive the stop: sent as an event, it needs no answer.
            var stopped = true;
            if (sendsEvents)
            {
                context.SendEvent(IncidentIds.EscalationOf(record.Id), EscalationEvents.Stop, new EscalationAction(actor));
            }
            else
            {
                stopped = await SignalAsync(context, IncidentIds.EscalationOf(record.Id), EscalationEvents.Stop, new EscalationAction(actor));
            }

            if (stopped)
            {
                // The ladder ends within an episode of the stop; the timer only keeps a lost stop from holding the report.
                using var cancellation = new CancellationTokenSource();
                var patience = context.CreateTimer(context.CurrentUtcDateTime.Add(LadderStopTimeout), cancellation.Token);
                await Task.WhenAny(ladder, patience);
#pragma warning disable VSTHRD103, CA1849 // Cancel synchronously: CancelAsync would continue off the replay scheduler.
                cancellation.Cancel();
#pragma warning restore VSTHRD103, CA1849
                if (!ladder.IsCompleted)
                {
                    entries.Add(new(Now(context), IncidentActors.System, IncidentTimelineKinds.Error, $"the escalation ladder did not stop within {IncidentReport.Duration(LadderStopTimeout)}"));
                }
                else if (ladder.IsCompletedSuccessfully)
                {
                    var result = await ladder;
                    entries.Add(new(Now(context), IncidentActors.Escalation, IncidentTimelineKinds.Escalation, $"escalation stopped at L{result.LastLevel} after {result.Pages} page(s)"));
                }
                else
                {
                    var why = ladder.Exception?.InnerException is TaskFailedException failure ? failure.FailureDetails.ErrorMessage : ladder.Exception?.InnerException?.Message;
                    entries.Add(new(Now(context), IncidentActors.System, IncidentTimelineKinds.Error, $"the escalation ladder failed: {why}"));
                }
            }
        }

        var timeToAcknowledge = record.AcknowledgedAt - record.OpenedAt;
        var timeToResolve = now - record.OpenedAt;
        entries.Add(new(now, IncidentActors.System, IncidentTimelineKinds.Resolved,
            $"time to acknowledge {(timeToAcknowledge is { } tta ? IncidentReport.Duration(tta) : "n/a (never acknowledged)")}, time to resolve {IncidentReport.Duration(timeToResolve)}"));
        await RecordAsync(context, record, entries);
        await NotifyAsync(context, record, NotificationKind.Resolved, actor);

        string? report = null;
        try
        {
            report = await context.CallActivityAsync<string>(
                nameof(WriteIncidentReport), new WriteIncidentReportInput(record, timeToAcknowledge, timeToResolve), IncidentActivityOptions.Retry);
            await RecordAsync(context, null, [new(Now(context), IncidentActors.System, IncidentTimelineKinds.Report, "report written and stored")]);
            await NotifyAsync(context, record, NotificationKind.Report, IncidentActors.System, report);
        }
        catch (TaskFailedException failure)
        {
            await RecordAsync(context, null, [new(Now(context), IncidentActors.System, IncidentTimelineKinds.Error, $"the report could not be written: {failure.FailureDetails.ErrorMessage}")]);
        }

        return new IncidentOutcome
        {
            Id = record.Id,
            State = record.State,
            AcknowledgedBy = record.AcknowledgedBy,
            ResolvedBy = record.ResolvedBy,
            TimeToAcknowledge = timeToAcknowledge,
            TimeToResolve = timeToResolve,
            Report = report,
        };
    }
}
