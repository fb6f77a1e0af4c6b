using System.Text.Json.Serialization;

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

    /// <summary>Gets the escalation level paged last (1 for L1), or <see langword="null"/> before the first page.</summary>
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

/// <summary>One line of an incident's timeline: who did what, when.</summary>
/// <param name="At">When it happened (orchestration time).</param>
/// <param name="Actor">Who acted: a person's name, <c>system</c>, <c>alertmanager</c> or <c>escalation</c>.</param>
/// <param name="Kind">One of <see cref="TimelineKinds"/>.</param>
/// <param name="Text">What happened, for people.</param>
public sealed record TimelineEntry(DateTimeOffset At, string Actor, string Kind, string Text);

/// <summary>The kinds of <see cref="TimelineEntry"/>.</summary>
public static class TimelineKinds
{
    public const string Opened = "opened";
    public const string Alert = "alert";
    public const string Notification = "notification";
    public const string Delivery = "delivery";
    public const string Diagnostics = "diagnostics";
    public const string Escalation = "escalation";
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
    public const string Escalation = "escalation";
}

/// <summary>Values of <see cref="IncidentRecord.Source"/>.</summary>
public static class IncidentSources
{
    public const string Alertmanager = "alertmanager";
    public const string Manual = "manual";
}

/// <summary>
/// The input of <see cref="IncidentOrchestrator"/>: the opening alerts of an Alertmanager group
/// (<see cref="AlertmanagerWebhook.ToIncidentRequest"/>) or a manual open request.
/// </summary>
public sealed record IncidentRequest
{
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
