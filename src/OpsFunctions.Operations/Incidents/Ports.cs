using System.Text.Json.Serialization;

namespace OpsFunctions.Operations.Incidents;

/// <summary>Why a notification goes out.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NotificationKind>))]
public enum NotificationKind
{
    /// <summary>The incident opened (severity route) or its first level is paged.</summary>
    Triggered,

    /// <summary>A later escalation level is paged.</summary>
    Escalated,

    /// <summary>Someone acknowledged.</summary>
    Acknowledged,

    /// <summary>The incident resolved.</summary>
    Resolved,

    /// <summary>The incident report.</summary>
    Report,

    /// <summary>The ladder ran out without an acknowledgement; the last level keeps being paged.</summary>
    Unacknowledged,
}

/// <summary>One notification about an incident, for one audience.</summary>
public sealed record IncidentNotification
{
    public required string IncidentId { get; init; }

    public NotificationKind Kind { get; init; }

    public required IncidentSummary Incident { get; init; }

    /// <summary>Gets who receives it: the contacts of an escalation level, or of the severity route.</summary>
    public IReadOnlyList<IncidentContact> Contacts { get; init; } = [];

    /// <summary>Gets the escalation level (1 for L1) for ladder pages; <see langword="null"/> for route notifications.</summary>
    public int? Level { get; init; }

    /// <summary>Gets the person who acted (acknowledged, resolved), when there is one.</summary>
    public string? Actor { get; init; }

    /// <summary>Gets a signed link that acknowledges the incident; set on Triggered, Escalated and Unacknowledged.</summary>
    public Uri? AcknowledgeLink { get; init; }

    /// <summary>Gets a signed link that resolves the incident; set while the incident is not resolved.</summary>
    public Uri? ResolveLink { get; init; }

    /// <summary>Gets more text: the Markdown report for <see cref="NotificationKind.Report"/>, a note otherwise.</summary>
    public string? Text { get; init; }
}

/// <summary>How delivery on one channel went.</summary>
/// <param name="Channel">One of <see cref="NotificationChannels"/>.</param>
/// <param name="Target">The channel's target as the timeline may show it: the adapter redacts secrets (webhook URLs, routing keys).</param>
/// <param name="Ok">Whether the channel accepted the message.</param>
/// <param name="Error">Why not, when it did not.</param>
public sealed record DeliveryOutcome(string Channel, string Target, bool Ok, string? Error = null);

/// <summary>
/// Delivers incident notifications (the host wires the Integrations channels behind it).
/// </summary>
public interface IIncidentNotifier
{
    /// <summary>
    /// Delivers <paramref name="notification"/> on every channel of every contact. A channel that fails is an
    /// outcome with <see cref="DeliveryOutcome.Ok"/> false, not an exception; the other channels still get it.
    /// </summary>
    Task<IReadOnlyList<DeliveryOutcome>> NotifyAsync(IncidentNotification notification, CancellationToken cancellationToken);
}

/// <summary>
/// The query side of incidents: records, timelines and reports that history cannot answer cheaply.
/// </summary>
/// <remarks>Activities run at least once, so every write must be safe to repeat (upsert by id).</remarks>
public interface IIncidentStore
{
    /// <summary>Inserts or replaces the record with <see cref="IncidentRecord.Id"/>.</summary>
    Task UpsertAsync(IncidentRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Appends entries to the incident's timeline. An entry equal to one already there (same time, actor, kind and
    /// text) is skipped, so a retried activity does not duplicate its entries.
    /// </summary>
    Task AppendTimelineAsync(string incidentId, IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken);

    /// <summary>Stores the incident's Markdown report, replacing an earlier one.</summary>
    Task SaveReportAsync(string incidentId, string markdown, CancellationToken cancellationToken);

    /// <summary>Gets the record, or <see langword="null"/>.</summary>
    Task<IncidentRecord?> GetAsync(string incidentId, CancellationToken cancellationToken);

    /// <summary>Gets the timeline by time; entries of the same time in the order appended. Empty for an unknown incident.</summary>
    Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string incidentId, CancellationToken cancellationToken);

    /// <summary>Gets the report, or <see langword="null"/>.</summary>
    Task<string?> GetReportAsync(string incidentId, CancellationToken cancellationToken);

    /// <summary>Gets one page of the incidents that match, newest opened first (ties by id); see <see cref="IncidentPaging"/>.</summary>
    /// <exception cref="ArgumentException">
    /// <see cref="IncidentQuery.PageSize"/> is outside 1 to 1,000, or <see cref="IncidentQuery.ContinuationToken"/> is not a
    /// token a query returned; <see cref="ArgumentException.ParamName"/> names the field.
    /// </exception>
    Task<IncidentPage> QueryAsync(IncidentQuery query, CancellationToken cancellationToken);
}

/// <summary>Which incidents a query wants; every filter left <see langword="null"/> matches all.</summary>
public sealed record IncidentQuery
{
    /// <summary>Gets the earliest opening time, inclusive.</summary>
    public DateTimeOffset? OpenedFrom { get; init; }

    /// <summary>Gets the latest opening time, exclusive.</summary>
    public DateTimeOffset? OpenedTo { get; init; }

    public string? Service { get; init; }

    public Severity? Severity { get; init; }

    public IncidentState? State { get; init; }

    /// <summary>Gets the most incidents one page holds (1 to 1,000).</summary>
    public int PageSize { get; init; } = 50;

    /// <summary>Gets where the page starts: the token of the previous page, or <see langword="null"/> for the first.</summary>
    public string? ContinuationToken { get; init; }
}

/// <summary>One page of incidents, and the token of the next page when there is one.</summary>
public sealed record IncidentPage(IReadOnlyList<IncidentRecord> Incidents, string? ContinuationToken);

/// <summary>What the diagnostics runbook gets to work with.</summary>
public sealed record DiagnosticsRequest(string IncidentId, string Service, Severity Severity, IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// Runs the configured diagnostics of a service (HTTP health checks, Prometheus instant queries).
/// </summary>
public interface IDiagnosticsRunner
{
    /// <summary>Runs the checks and returns one line per result for the timeline; a failed check is a line, not an exception.</summary>
    Task<IReadOnlyList<string>> RunAsync(DiagnosticsRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// Issues the signed, expiring, single-use links that raise an event on an instance (the host's approval tokens).
/// </summary>
public interface IActionLinks
{
    /// <summary>Creates a link that raises <paramref name="eventName"/> on <paramref name="instanceId"/>, naming <paramref name="actor"/> when given.</summary>
    Task<Uri> CreateAsync(string instanceId, string eventName, string? actor, CancellationToken cancellationToken);
}
