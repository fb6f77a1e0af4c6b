using System.Text.Json;
using Microsoft.DurableTask;
using OpsFunctions.Operations.Escalation;

namespace OpsFunctions.Operations.Incidents;

/// <summary>
/// One incident, from the opening alerts (or a manual request) to the report.
/// </summary>
/// <remarks>
/// <para>Steps: pick the escalation policy; record the incident and its alerts; notify the severity route, run
/// diagnostics and start <see cref="EscalationOrchestrator"/> (instance <see cref="IncidentIds.EscalationOf"/>);
/// then wait for <see cref="IncidentEvents.AlertsUpdated"/>, <see cref="IncidentEvents.Acknowledged"/>,
/// <see cref="IncidentEvents.Resolved"/> and the ladder's <see cref="EscalationEvents.Progress"/>.</para>
/// <para>Resolution (every alert resolved, or a person): stop the ladder, notify Resolved, compute time to
/// acknowledge and resolve, write and store the report, send it. Custom status: <see cref="IncidentStatus"/>.</para>
/// <para>Every step is on the timeline. An incident runs the <see cref="IncidentRequest.Revision"/> it was started
/// with: <see cref="IncidentRevisions.Initial"/> keeps its opening severity and its whole history;
/// <see cref="IncidentRevisions.BoundedHistory"/> raises the severity with a more severe alert and continues as new
/// every <see cref="EventsPerExecution"/> events (IncidentOrchestrator.Continue.cs).</para>
/// </remarks>
public sealed partial class IncidentOrchestrator : TaskOrchestrator<IncidentRequest, IncidentOutcome>
{
    /// <summary>How long resolution waits for the ladder to confirm it stopped before it writes the report anyway.</summary>
    public static readonly TimeSpan LadderStopTimeout = TimeSpan.FromMinutes(5);

    public override async Task<IncidentOutcome> RunAsync(TaskOrchestrationContext context, IncidentRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var id = context.InstanceId;
        var bounded = input.Revision >= IncidentRevisions.BoundedHistory;
        IncidentRecord record;
        EscalationPolicy policy;
        Task<EscalationResult>? ladder;
        IncidentAction? resolution = null;
        if (input.Continuation is { } carried)
        {
            (record, policy) = (carried.Record, carried.Policy);
            SetStatus(context, record);
            ladder = carried.Ladder is { } position ? StartLadderAgain(context, input, record, policy, position) : null;
        }
        else
        {
            var opening = AlertMerge.Merge([], input.Alerts);
            var severity = input.Severity ?? SeverityOf(input.Labels, opening.Alerts);
            var service = FirstNonEmpty(input.Service, Label(input.Labels, opening.Alerts, "service"), Label(input.Labels, opening.Alerts, "job")) ?? "unknown";
            var title = FirstNonEmpty(input.Title, opening.Alerts.Count > 0 ? opening.Alerts[0].Name : null) ?? $"{severity} incident on {service}";
            context.SetCustomStatus(new IncidentStatus(IncidentState.Open, severity, null, 0, 0, null));

            policy = await context.CallActivityAsync<EscalationPolicy>(
                nameof(SelectEscalationPolicy), new SelectEscalationPolicyInput(service, severity, input.Policy), IncidentActivityOptions.Retry);
            var now = Now(context);
            record = new IncidentRecord
            {
                Id = id,
                Title = title,
                Service = service,
                Severity = severity,
                State = IncidentState.Open,
                Source = input.Source,
                Receiver = input.Receiver,
                GroupKey = input.GroupKey,
                Description = input.Description,
                ExternalUrl = input.ExternalUrl,
                Policy = policy.Name,

                // The ladder pages L1 as it starts; saying so here spares it the announcement and the incident a record.
                EscalationLevel = bounded && policy.Levels.Count > 0 ? 1 : null,
                OpenedAt = now,
                OpenedBy = FirstNonEmpty(input.OpenedBy) ?? IncidentActors.System,
                Labels = input.Labels,
                Alerts = opening.Alerts,
            };
            List<TimelineEntry> opened =
            [
                new(now, record.OpenedBy, IncidentTimelineKinds.Opened, $"{severity} incident opened on {service}: {title} (policy {policy.Name})"),
                .. opening.Notes.Select(note => new TimelineEntry(now, IncidentActors.Alertmanager, IncidentTimelineKinds.Alert, note)),
            ];
            await RecordAsync(context, record, opened);
            SetStatus(context, record);

            ladder = context.CallSubOrchestratorAsync<EscalationResult>(
                nameof(EscalationOrchestrator),
                LadderInput(input, record, policy, new EscalationPosition { Announce = !bounded }),
                new SubOrchestrationOptions(instanceId: IncidentIds.EscalationOf(id)));
            await Task.WhenAll(
                NotifyAsync(context, record, NotificationKind.Triggered, IncidentActors.System),
                GuardAsync(context, id, "diagnostics", context.CallActivityAsync<IReadOnlyList<string>>(
                    nameof(RunIncidentDiagnostics),
                    new RunIncidentDiagnosticsInput(new DiagnosticsRequest(id, service, severity, input.Labels), now),
                    IncidentActivityOptions.Retry)));
            resolution = opening.AllResolved ? new IncidentAction(IncidentActors.Alertmanager, "every alert of the group is resolved") : null;
        }

        var ladderEnded = ladder is null;
        using var bound = new HistoryBound(context);
        while (resolution is null)
        {
            using var cancellation = new CancellationTokenSource();
            var updated = context.WaitForExternalEvent<AlertsUpdate?>(IncidentEvents.AlertsUpdated, cancellation.Token);
            var acknowledged = context.WaitForExternalEvent<IncidentAction?>(IncidentEvents.Acknowledged, cancellation.Token);
            var resolved = context.WaitForExternalEvent<IncidentAction?>(IncidentEvents.Resolved, cancellation.Token);
            var progress = context.WaitForExternalEvent<EscalationProgress?>(EscalationEvents.Progress, cancellation.Token);
            List<Task> waits = [updated, acknowledged, resolved, progress];
            if (!ladderEnded)
            {
                waits.Add(ladder!);
            }

            waits.AddRange(bound.Timers);

            await Task.WhenAny(waits);
#pragma warning disable VSTHRD103, CA1849 // Cancel synchronously: CancelAsync would continue off the replay scheduler.
            cancellation.Cancel();
#pragma warning restore VSTHRD103, CA1849
            var now = Now(context);

            if (progress.IsCompletedSuccessfully && await progress is { } step)
            {
                var stepped = record with
                {
                    EscalationLevel = step.Level,
                    State = step.Mode == EscalationMode.Unacknowledged ? IncidentState.Unacknowledged
                        : step.Resumed ? IncidentState.Open
                        : record.State,
                };
                if (step.Mode == EscalationMode.Unacknowledged)
                {
                    record = stepped;
                    await RecordAsync(context, record, [new(now, IncidentActors.Escalation, IncidentTimelineKinds.Unacknowledged, $"nobody acknowledged; the incident is unacknowledged and {step.LevelName} keeps being paged")]);
                }
                else if (!bounded || stepped != record)
                {
                    record = stepped;
                    await RecordAsync(context, record, []);
                }
            }

            if (updated.IsCompletedSuccessfully && await updated is { } update)
            {
                var merge = AlertMerge.Merge(record.Alerts, update.Alerts ?? []);
                if (merge.Changed)
                {
                    record = record with { Alerts = merge.Alerts };
                    List<TimelineEntry> entries = [.. merge.Notes.Select(note => new TimelineEntry(now, IncidentActors.Alertmanager, IncidentTimelineKinds.Alert, note))];
                    if (bounded && RaisedSeverity(record) is { } raised)
                    {
                        record = await RaiseSeverityAsync(context, record, raised.Severity, raised.By, entries);
                    }
                    else
                    {
                        await RecordAsync(context, record, entries);
                    }
                }

                if (merge.AllResolved)
                {
                    resolution = new IncidentAction(IncidentActors.Alertmanager, "every alert of the group is resolved");
                }
            }

            if (acknowledged.IsCompletedSuccessfully)
            {
                var action = await acknowledged;
                var actor = FirstNonEmpty(action?.Actor) ?? "unknown";
                var first = record.AcknowledgedAt is null;
                record = record with
                {
                    State = IncidentState.Acknowledged,
                    AcknowledgedAt = record.AcknowledgedAt ?? now,
                    AcknowledgedBy = record.AcknowledgedBy ?? actor,
                };
                var text = (first ? $"acknowledged by {actor}" : $"acknowledged again by {actor}") + (action?.Note is { Length: > 0 } note ? $": {note}" : string.Empty);
                List<Task> steps =
                [
                    RecordAsync(context, record, [new(now, actor, IncidentTimelineKinds.Acknowledged, text)]),
                    NotifyAsync(context, record, NotificationKind.Acknowledged, actor),
                ];
                if (!ladderEnded && bounded)
                {
                    context.SendEvent(IncidentIds.EscalationOf(id), EscalationEvents.Acknowledged, new EscalationAction(actor));
                }
                else if (!ladderEnded)
                {
                    steps.Add(SignalAsync(context, IncidentIds.EscalationOf(id), EscalationEvents.Acknowledged, new EscalationAction(actor)));
                }

                await Task.WhenAll(steps);
            }

            if (resolved.IsCompletedSuccessfully)
            {
                var action = await resolved;
                resolution = new IncidentAction(FirstNonEmpty(action?.Actor) ?? "unknown", action?.Note);
            }

            if (!ladderEnded && ladder!.IsCompleted)
            {
                ladderEnded = true;
                if (ladder.IsCompletedSuccessfully && (await ladder).ResumeAt is { } handedOver)
                {
                    if (resolution is null)
                    {
                        SetStatus(context, record);
                        return ContinueAsNew(context, input, record, policy, handedOver);
                    }
                }
                else
                {
                    // The ladder ends only when stopped; anything else is a failure to record, not to stop the incident for.
                    var why = ladder.IsFaulted ? ladder.Exception?.InnerException?.Message : "it ended";
                    await RecordAsync(context, null, [new(now, IncidentActors.System, IncidentTimelineKinds.Error, $"the escalation ladder stopped unexpectedly: {why}")]);
                }
            }

            SetStatus(context, record);
            if (bounded && resolution is null && bound.Due(waits, now))
            {
                if (ladderEnded)
                {
                    return ContinueAsNew(context, input, record, policy, null);
                }

                // The ladder answers by ending with its position; the loop goes on meanwhile and continues as new then.
                context.SendEvent(IncidentIds.EscalationOf(id), EscalationEvents.Handover, new EscalationAction(IncidentActors.System));
                bound.HandoverRequested(now);
            }
        }

        bound.Dispose();
        return await ResolveAsync(context, record, resolution, ladderEnded ? null : ladder, bounded);
    }

    private static Task RecordAsync(TaskOrchestrationContext context, IncidentRecord? record, IReadOnlyList<TimelineEntry> timeline)
        => context.CallActivityAsync<bool>(nameof(RecordIncident), new RecordIncidentInput(context.InstanceId, record, timeline), IncidentActivityOptions.Retry);

    private static Task NotifyAsync(TaskOrchestrationContext context, IncidentRecord record, NotificationKind kind, string actor, string? text = null, string? note = null)
        => GuardAsync(context, record.Id, $"the {kind} notification", context.CallActivityAsync<NotifyIncidentResult>(
            nameof(NotifyIncident),
            new NotifyIncidentInput
            {
                IncidentId = record.Id,
                Kind = kind,
                Incident = IncidentSummary.From(record),
                Actor = actor,
                Text = text,
                Note = note,
                At = Now(context),
            },
            IncidentActivityOptions.Retry));

    /// <summary>The ladder of <paramref name="record"/>: it pages through <see cref="NotifyIncident"/>, about the incident's summary.</summary>
    private static EscalationInput LadderInput(IncidentRequest input, IncidentRecord record, EscalationPolicy policy, EscalationPosition position) => new()
    {
        ParentId = record.Id,
        Subject = JsonSerializer.SerializeToElement(IncidentSummary.From(record), JsonSerializerOptions.Web),
        PageActivity = nameof(NotifyIncident),
        Policy = policy,
        Revision = input.Revision >= IncidentRevisions.BoundedHistory ? EscalationRevisions.Handover : EscalationRevisions.Initial,
        Position = position,
    };

    private static async Task<bool> SignalAsync(TaskOrchestrationContext context, string instanceId, string eventName, EscalationAction action)
    {
        try
        {
            return await context.CallActivityAsync<bool>(
                nameof(SignalInstance), new SignalInstanceInput(instanceId, eventName) { Action = action }, IncidentActivityOptions.Retry);
        }
        catch (TaskFailedException failure)
        {
            await RecordAsync(context, null, [new(Now(context), IncidentActors.System, IncidentTimelineKinds.Error, $"could not send '{eventName}' to {instanceId}: {failure.FailureDetails.ErrorMessage}")]);
            return false;
        }
    }

    // A step whose failure goes on the timeline instead of failing the incident.
    private static async Task GuardAsync(TaskOrchestrationContext context, string incidentId, string what, Task step)
    {
        try
        {
            await step;
        }
        catch (TaskFailedException failure)
        {
            await context.CallActivityAsync<bool>(
                nameof(RecordIncident),
                new RecordIncidentInput(incidentId, null, [new(Now(context), IncidentActors.System, IncidentTimelineKinds.Error, $"{what} failed: {failure.FailureDetails.ErrorMessage}")]),
                IncidentActivityOptions.Retry);
        }
    }

    private static void SetStatus(TaskOrchestrationContext context, IncidentRecord record)
        => context.SetCustomStatus(new IncidentStatus(
            record.State,
            record.Severity,
            record.EscalationLevel,
            record.Alerts.Count(a => a.Status == AlertStatus.Firing),
            record.Alerts.Count,
            record.AcknowledgedBy));

    /// <summary>
    /// The severity a changed group calls for when it is above the incident's: the most severe <c>severity</c> label of
    /// its firing alerts, and the first alert that carries it. Unlabelled alerts raise nothing (their default, High,
    /// would raise every Medium and Low incident they joined), and severity never falls on its own.
    /// </summary>
    private static (Severity Severity, Alert By)? RaisedSeverity(IncidentRecord record)
    {
        (Severity Severity, Alert By)? highest = null;
        foreach (var alert in record.Alerts.Where(a => a.Status == AlertStatus.Firing))
        {
            if (alert.Labels.TryGetValue(SeverityLabels.LabelName, out var label) && SeverityLabels.TryParse(label, out var severity)
                && severity < (highest?.Severity ?? record.Severity))
            {
                highest = (severity, alert);
            }
        }

        return highest;
    }

    /// <summary>
    /// Records the raised severity with the update's alert notes and sends Triggered to the new severity's route. The
    /// ladder keeps the policy it was started with: it is paging already, and starting another ladder would page its
    /// first level again; the timeline says so.
    /// </summary>
    private static async Task<IncidentRecord> RaiseSeverityAsync(
        TaskOrchestrationContext context, IncidentRecord record, Severity severity, Alert by, List<TimelineEntry> entries)
    {
        var now = Now(context);
        var text = $"severity raised from {record.Severity} to {severity} by alert {by.Name}";
        entries.Add(new(now, IncidentActors.Alertmanager, IncidentTimelineKinds.Severity, text));
        entries.Add(new(now, IncidentActors.System, IncidentTimelineKinds.Escalation, $"escalation goes on under policy {record.Policy}, selected when the incident was {record.Severity}"));
        var raised = record with { Severity = severity };
        await Task.WhenAll(
            RecordAsync(context, raised, entries),
            NotifyAsync(context, raised, NotificationKind.Triggered, IncidentActors.Alertmanager, note: text));
        return raised;
    }

    private static Severity SeverityOf(IReadOnlyDictionary<string, string> labels, IReadOnlyList<Alert> alerts)
    {
        if (labels.TryGetValue(SeverityLabels.LabelName, out var common) && SeverityLabels.TryParse(common, out var severity))
        {
            return severity;
        }

        // The most severe of the alerts' own labels (Critical sorts first).
        var known = alerts
            .Select(a => a.Labels.TryGetValue(SeverityLabels.LabelName, out var value) && SeverityLabels.TryParse(value, out var s) ? s : (Severity?)null)
            .Where(s => s is not null)
            .ToList();
        return known.Count > 0 ? known.Min()!.Value : SeverityLabels.Default;
    }

    private static string? Label(IReadOnlyDictionary<string, string> labels, IReadOnlyList<Alert> alerts, string name)
        => labels.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value
            : alerts.Select(a => a.Labels.TryGetValue(name, out var v) ? v : null).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static DateTimeOffset Now(TaskOrchestrationContext context) => new(context.CurrentUtcDateTime, TimeSpan.Zero);
}
