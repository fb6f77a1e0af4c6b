using System.Text.Json.Serialization;
using OpsFunctions.Integrations.Notifications;

namespace OpsFunctions.Operations.Incidents;

/// <summary>Why an incident notification goes out; <see cref="IncidentMessage"/> words each.</summary>
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

/// <summary>How delivery on one channel went.</summary>
/// <param name="Channel">The channel's <see cref="ChannelKind"/> in lower case (<c>slack</c>), or <c>sender</c> when the sender itself failed.</param>
/// <param name="Target">The channel's target as the timeline may show it: the adapter redacts secrets (webhook URLs, routing keys).</param>
/// <param name="Ok">Whether the channel accepted the message.</param>
/// <param name="Error">Why not, when it did not.</param>
/// <remarks>Kept in history as the result of <see cref="NotifyIncident"/>: its shape does not change.</remarks>
public sealed record DeliveryOutcome(string Channel, string Target, bool Ok, string? Error = null)
{
    public static DeliveryOutcome From(DeliveryResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(result.Channel.ToString().ToLowerInvariant(), result.Target, result.Success, result.Success ? null : result.Error ?? "not delivered");
    }
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
