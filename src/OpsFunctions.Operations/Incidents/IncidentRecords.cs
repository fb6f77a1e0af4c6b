using System.Text.Json.Serialization;
using OpsFunctions.Operations.Escalation;

namespace OpsFunctions.Operations.Incidents;

/// <summary>Where an incident stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IncidentState>))]
public enum IncidentState
{
    /// <summary>Opened; nobody has acknowledged it (or escalation resumed after an acknowledgement without resolution).</summary>
    Open,

    /// <summary>Someone acknowledged it.</summary>
    Acknowledged,

    /// <summary>Resolved by Alertmanager (every alert resolved) or by a person.</summary>
    Resolved,

    /// <summary>The ladder ran out (every level, every repeat) without an acknowledgement; the last level keeps being paged.</summary>
    Unacknowledged,
}

/// <summary>Whether an alert fires.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlertStatus>))]
public enum AlertStatus
{
    /// <summary>The alert fires.</summary>
    Firing,

    /// <summary>Alertmanager reported the alert resolved.</summary>
    Resolved,
}

/// <summary>One alert of an incident, identified by its Alertmanager fingerprint.</summary>
public sealed record Alert
{
    /// <summary>Gets the fingerprint that identifies the alert across deliveries.</summary>
    public required string Fingerprint { get; init; }

    public AlertStatus Status { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    public DateTimeOffset StartsAt { get; init; }

    public DateTimeOffset? EndsAt { get; init; }

    public string? GeneratorUrl { get; init; }

    /// <summary>Gets the <c>alertname</c> label, or the fingerprint when there is none.</summary>
    [JsonIgnore]
    public string Name => Labels.TryGetValue("alertname", out var name) && !string.IsNullOrWhiteSpace(name) ? name : Fingerprint;
}

/// <summary>What the query side keeps of an incident (the incident store).</summary>
public sealed record IncidentRecord
{
    /// <summary>Gets the incident id, which is the orchestration instance id.</summary>
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required string Service { get; init; }

    public Severity Severity { get; init; }

    public IncidentState State { get; init; }

    /// <summary>Gets where the incident came from: <c>alertmanager</c> or <c>manual</c>.</summary>
    public string Source { get; init; } = IncidentSources.Manual;

    public string? Receiver { get; init; }

    public string? GroupKey { get; init; }

    public string? Description { get; init; }

    public string? ExternalUrl { get; init; }

    /// <summary>Gets the name of the escalation policy the ladder follows.</summary>
    public string? Policy { get; init; }

    /// <summary>
    /// Gets the escalation level paged last (1 for L1), or <see langword="null"/> before the first page. From
    /// <see cref="IncidentRevisions.BoundedHistory"/> the opening record names L1 already: the ladder pages it as it starts.
    /// </summary>
    public int? EscalationLevel { get; init; }

    public DateTimeOffset OpenedAt { get; init; }

    public string OpenedBy { get; init; } = IncidentActors.System;

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public string? AcknowledgedBy { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public string? ResolvedBy { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<Alert> Alerts { get; init; } = [];
}

/// <summary>The kinds of <see cref="TimelineEntry"/>.</summary>
public static class IncidentTimelineKinds
{
    public const string Opened = "opened";
    public const string Alert = "alert";
    public const string Notification = "notification";
    public const string Delivery = "delivery";
    public const string Diagnostics = "diagnostics";
    public const string Escalation = EscalationPage.LadderActor;
    public const string Severity = "severity";
    public const string Acknowledged = "acknowledged";
    public const string Unacknowledged = "unacknowledged";
    public const string Resolved = "resolved";
    public const string Report = "report";
    public const string Error = "error";
}

/// <summary>The actor names the workflows use for themselves.</summary>
public static class IncidentActors
{
    public const string System = "system";
    public const string Alertmanager = "alertmanager";
    public const string Escalation = EscalationPage.LadderActor;
}

/// <summary>Values of <see cref="IncidentRecord.Source"/>.</summary>
public static class IncidentSources
{
    public const string Alertmanager = "alertmanager";
    public const string Manual = "manual";
}

/// <summary>
/// The input of <see cref="IncidentOrchestrator"/>: the opening alerts of an Alertmanager group
/// (<see cref="AlertmanagerWebhook.ToIncidentRequest"/>) or a manual open request; after a ContinueAsNew, the same request
/// with the incident's state in <see cref="Continuation"/>.
/// </summary>
public sealed record IncidentRequest : IJsonOnDeserializing
{
    private int _revision = IncidentRevisions.Current;

    /// <summary>Gets the revision of the workflow the incident runs (<see cref="IncidentRevisions"/>).</summary>
    /// <remarks>
    /// A request made in code runs the current revision. A request read back from a history written before revisions
    /// existed has none and reads as <see cref="IncidentRevisions.Initial"/>, so an incident in flight replays the
    /// actions it recorded and keeps that revision's behaviour until it ends.
    /// </remarks>
    public int Revision { get => _revision; init => _revision = value; }

    /// <summary>Gets what the previous execution handed over when it continued as new; <see langword="null"/> for a new incident.</summary>
    public IncidentContinuation? Continuation { get; init; }

    /// <summary>Gets the title; derived from the alerts when empty.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the service; the <c>service</c> label (then <c>job</c>) of the alerts when empty, else <c>unknown</c>.</summary>
    public string? Service { get; init; }

    /// <summary>Gets the severity; the highest <c>severity</c> label of the alerts when empty.</summary>
    public Severity? Severity { get; init; }

    public string Source { get; init; } = IncidentSources.Manual;

    /// <summary>Gets who opened a manual incident.</summary>
    public string? OpenedBy { get; init; }

    public string? Description { get; init; }

    public string? Receiver { get; init; }

    public string? GroupKey { get; init; }

    public string? ExternalUrl { get; init; }

    /// <summary>Gets the name of the escalation policy to use instead of the label match.</summary>
    public string? Policy { get; init; }

    /// <summary>Gets the labels the incident is matched on (Alertmanager's common labels, or the caller's).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<Alert> Alerts { get; init; } = [];

    void IJsonOnDeserializing.OnDeserializing() => _revision = IncidentRevisions.Initial;
}

/// <summary>
/// The revisions of the incident workflows. An incident runs the revision its input names for its whole life, so a
/// history replays against the actions it recorded; new behaviour that changes what an incident schedules comes with
/// a new revision.
/// </summary>
public static class IncidentRevisions
{
    /// <summary>
    /// The first: the severity stays as opened; incident and ladder signal each other through <see cref="SignalInstance"/>;
    /// the ladder announces its first page; the incident never continues as new.
    /// </summary>
    public const int Initial = 0;

    /// <summary>
    /// A more severe alert raises the severity and pages its route; the incident continues as new every
    /// <see cref="IncidentOrchestrator.EventsPerExecution"/> events, handing its ladder over; incident and ladder signal
    /// each other with <c>SendEvent</c>; the opening record names L1 and the ladder does not announce its first page.
    /// </summary>
    public const int BoundedHistory = 1;

    /// <summary>The revision new incidents run.</summary>
    public const int Current = BoundedHistory;
}

/// <summary>What an incident carries from one execution to the next when it continues as new.</summary>
public sealed record IncidentContinuation
{
    /// <summary>Gets the record as it stood: severity, state, alerts, acknowledgement, escalation level.</summary>
    public required IncidentRecord Record { get; init; }

    /// <summary>Gets the policy selected when the incident opened, for the ladder the next execution starts again.</summary>
    public required EscalationPolicy Policy { get; init; }

    /// <summary>Gets where the ladder stood when it handed over; <see langword="null"/> when it had ended.</summary>
    public EscalationPosition? Ladder { get; init; }

    /// <summary>Gets how many executions ran before this one.</summary>
    public int Executions { get; init; }
}

/// <summary>The payload of the <c>acknowledged</c> and <c>resolved</c> events: who acted.</summary>
/// <param name="Actor">The person (or system) who acted.</param>
/// <param name="Note">An optional note for the timeline.</param>
public sealed record IncidentAction(string? Actor = null, string? Note = null);

/// <summary>The payload of the <c>alertsUpdated</c> event: alerts of a later delivery for the same group.</summary>
/// <param name="Alerts">The alerts as delivered; merged with the incident's alerts by fingerprint.</param>
public sealed record AlertsUpdate(IReadOnlyList<Alert> Alerts);

/// <summary>What a notification says about an incident.</summary>
public sealed record IncidentSummary
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required string Service { get; init; }

    public Severity Severity { get; init; }

    public IncidentState State { get; init; }

    public DateTimeOffset OpenedAt { get; init; }

    public string? Description { get; init; }

    public string? ExternalUrl { get; init; }

    public int FiringAlerts { get; init; }

    public int TotalAlerts { get; init; }

    /// <summary>Gets the names of up to ten alerts, firing ones first.</summary>
    public IReadOnlyList<string> AlertNames { get; init; } = [];

    public static IncidentSummary From(IncidentRecord record) => new()
    {
        Id = record.Id,
        Title = record.Title,
        Service = record.Service,
        Severity = record.Severity,
        State = record.State,
        OpenedAt = record.OpenedAt,
        Description = record.Description,
        ExternalUrl = record.ExternalUrl,
        FiringAlerts = record.Alerts.Count(a => a.Status == AlertStatus.Firing),
        TotalAlerts = record.Alerts.Count,
        AlertNames = [.. record.Alerts.OrderBy(a => a.Status).Select(a => a.Name).Distinct(StringComparer.Ordinal).Take(10)],
    };
}

/// <summary>The custom status of a running incident.</summary>
public sealed record IncidentStatus(
    IncidentState State,
    Severity Severity,
    int? EscalationLevel,
    int FiringAlerts,
    int TotalAlerts,
    string? AcknowledgedBy);

/// <summary>The output of <see cref="IncidentOrchestrator"/>.</summary>
public sealed record IncidentOutcome
{
    public required string Id { get; init; }

    public IncidentState State { get; init; }

    public string? AcknowledgedBy { get; init; }

    public string? ResolvedBy { get; init; }

    /// <summary>Gets the time from opening to the first acknowledgement; <see langword="null"/> when nobody acknowledged.</summary>
    public TimeSpan? TimeToAcknowledge { get; init; }

    public TimeSpan TimeToResolve { get; init; }

    public string? Report { get; init; }
}
