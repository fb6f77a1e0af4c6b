using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Operations.Approvals;
using OpsFunctions.Operations.Escalation;

namespace OpsFunctions.Operations.Incidents;

/// <summary>The retry policy of the incident activities: three attempts, 5 s then 10 s apart, on durable timers.</summary>
public static class IncidentActivityOptions
{
    public static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromSeconds(5), backoffCoefficient: 2));
}

/// <summary>The input of <see cref="RecordIncident"/>: the record to upsert (if any) and timeline entries to append.</summary>
public sealed record RecordIncidentInput(string IncidentId, IncidentRecord? Record, IReadOnlyList<TimelineEntry> Timeline);

/// <summary>Upserts the incident record and appends timeline entries.</summary>
public sealed class RecordIncident(IIncidentStore store) : TaskActivity<RecordIncidentInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, RecordIncidentInput input)
    {
        if (input.Record is not null)
        {
            await store.UpsertAsync(input.Record, CancellationToken.None);
        }

        if (input.Timeline.Count > 0)
        {
            await store.AppendTimelineAsync(input.IncidentId, input.Timeline, CancellationToken.None);
        }

        return true;
    }
}

/// <summary>The input of <see cref="NotifyIncident"/>.</summary>
public sealed record NotifyIncidentInput
{
    public required string IncidentId { get; init; }

    public NotificationKind Kind { get; init; }

    public required IncidentSummary Incident { get; init; }

    /// <summary>Gets the audience; the severity route of the incident when <see langword="null"/>.</summary>
    public IReadOnlyList<Contact>? Contacts { get; init; }

    public int? Level { get; init; }

    public string? LevelName { get; init; }

    /// <summary>Gets who the timeline names for this step, and the person who acted for Acknowledged and Resolved.</summary>
    public string Actor { get; init; } = IncidentActors.System;

    /// <summary>Gets the text of the notification (the report for Report).</summary>
    public string? Text { get; init; }

    /// <summary>Gets why it goes out, for the timeline.</summary>
    public string? Note { get; init; }

    public DateTimeOffset At { get; init; }
}

/// <summary>The delivery outcomes of a notification.</summary>
public sealed record NotifyIncidentResult(IReadOnlyList<DeliveryOutcome> Outcomes);

/// <summary>
/// Sends one notification on every channel of its audience, with acknowledge and resolve links, and puts it and every
/// channel's outcome on the timeline. A failing channel, or a failing sender, is recorded, never thrown: the incident
/// goes on.
/// </summary>
public sealed class NotifyIncident(
    INotificationSender sender,
    IIncidentStore store,
    IOptionsMonitor<IncidentRoutingOptions> routing,
    IActionLinks? links = null) : TaskActivity<NotifyIncidentInput, NotifyIncidentResult>
{
    public override async Task<NotifyIncidentResult> RunAsync(TaskActivityContext context, NotifyIncidentInput input)
    {
        var contacts = input.Contacts ?? routing.CurrentValue.RouteFor(input.Incident.Severity);
        var pages = input.Kind is NotificationKind.Triggered or NotificationKind.Escalated or NotificationKind.Unacknowledged;
        var open = input.Kind is not (NotificationKind.Resolved or NotificationKind.Report);
        var acknowledgeLink = pages && links is not null ? await links.CreateAsync(input.IncidentId, IncidentEvents.Acknowledged, "acknowledge", null, CancellationToken.None) : null;
        var resolveLink = open && links is not null ? await links.CreateAsync(input.IncidentId, IncidentEvents.Resolved, "resolve", null, CancellationToken.None) : null;
        var notification = IncidentMessage.Compose(input, acknowledgeLink, resolveLink);

        // Two contacts sharing a channel get one message on it.
        List<ChannelTarget> targets = [.. contacts.SelectMany(c => c.Targets()).Distinct()];
        IReadOnlyList<DeliveryOutcome> outcomes;
        try
        {
            outcomes = targets.Count == 0
                ? []
                : [.. (await sender.SendAllAsync(targets, notification, CancellationToken.None)).Select(DeliveryOutcome.From)];
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            outcomes = [new DeliveryOutcome("sender", string.Join(", ", contacts.Select(c => c.Name)), false, failure.Message)];
        }

        var audience = input.Level is { } level
            ? $"{input.LevelName ?? $"L{level}"} ({string.Join(", ", contacts.Select(c => c.Name))})"
            : $"the {input.Incident.Severity} route ({string.Join(", ", contacts.Select(c => c.Name))})";
        var timeline = new List<TimelineEntry>(outcomes.Count + 1)
        {
            new(input.At, input.Actor, IncidentTimelineKinds.Notification, input.Note is null ? $"{input.Kind} sent to {audience}" : $"{input.Kind} sent to {audience}: {input.Note}"),
        };
        timeline.AddRange(outcomes.Select(o => new TimelineEntry(
            input.At,
            input.Actor,
            IncidentTimelineKinds.Delivery,
            o.Ok ? $"{o.Channel} {o.Target}: delivered" : $"{o.Channel} {o.Target}: FAILED ({o.Error ?? "no reason given"})")));
        await store.AppendTimelineAsync(input.IncidentId, timeline, CancellationToken.None);
        return new NotifyIncidentResult(outcomes);
    }
}

/// <summary>Runs the diagnostics runbook and puts each result line on the timeline; a failure is a line too.</summary>
public sealed class RunIncidentDiagnostics(IIncidentStore store, IncidentDiagnostics diagnostics) : TaskActivity<RunIncidentDiagnosticsInput, IReadOnlyList<string>>
{
    public override async Task<IReadOnlyList<string>> RunAsync(TaskActivityContext context, RunIncidentDiagnosticsInput input)
    {
        IReadOnlyList<string> lines;
        try
        {
            lines = await diagnostics.RunAsync(input.Request, CancellationToken.None);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            lines = [$"diagnostics failed: {failure.Message}"];
        }

        await store.AppendTimelineAsync(
            input.Request.IncidentId,
            [.. lines.Select(line => new TimelineEntry(input.At, IncidentActors.System, IncidentTimelineKinds.Diagnostics, line))],
            CancellationToken.None);
        return lines;
    }
}

/// <summary>The input of <see cref="RunIncidentDiagnostics"/>.</summary>
public sealed record RunIncidentDiagnosticsInput(DiagnosticsRequest Request, DateTimeOffset At);

/// <summary>The input of <see cref="WriteIncidentReport"/>.</summary>
public sealed record WriteIncidentReportInput(IncidentRecord Record, TimeSpan? TimeToAcknowledge, TimeSpan TimeToResolve);

/// <summary>Writes the Markdown report from the record and the stored timeline, and stores it with the incident.</summary>
public sealed class WriteIncidentReport(IIncidentStore store) : TaskActivity<WriteIncidentReportInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, WriteIncidentReportInput input)
    {
        var timeline = await store.GetTimelineAsync(input.Record.Id, CancellationToken.None);
        var report = IncidentReport.ToMarkdown(input.Record, timeline, input.TimeToAcknowledge, input.TimeToResolve);
        await store.SaveReportAsync(input.Record.Id, report, CancellationToken.None);
        return report;
    }
}
