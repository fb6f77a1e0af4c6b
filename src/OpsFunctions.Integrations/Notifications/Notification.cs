using System.Text.Json.Serialization;

namespace OpsFunctions.Integrations.Notifications;

/// <summary>What happened to an incident, which decides the wording and, for PagerDuty, the event action.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NotificationKind>))]
public enum NotificationKind
{
    Triggered,
    Escalated,
    Acknowledged,
    Resolved,
    Report,
    Unacknowledged,
}

/// <summary>A name and value shown with a notification (service, alert count, level).</summary>
public sealed record NotificationField(string Name, string Value);

/// <summary>
/// One message about an incident, neutral of the channel that carries it. Every channel renders the same record:
/// Slack blocks, a Teams card, a PagerDuty event, an email, a webhook's JSON.
/// </summary>
public sealed record Notification
{
    /// <summary>Gets the incident this notification is about; PagerDuty's dedup key is derived from it.</summary>
    public required string IncidentId { get; init; }

    public required NotificationKind Kind { get; init; }

    public required string Title { get; init; }

    /// <summary>Gets the severity as text: Critical, High, Medium, Low (error, warning and info are understood too).</summary>
    public string Severity { get; init; } = "";

    /// <summary>Gets a short plain-text summary, one or two sentences.</summary>
    public string Summary { get; init; } = "";

    /// <summary>Gets a Markdown body, such as the incident report; optional.</summary>
    public string? MarkdownBody { get; init; }

    public IReadOnlyList<NotificationField> Fields { get; init; } = [];

    /// <summary>Gets the signed link that acknowledges the incident.</summary>
    public Uri? AcknowledgeUrl { get; init; }

    /// <summary>Gets the signed link that resolves the incident.</summary>
    public Uri? ResolveUrl { get; init; }

    /// <summary>Gets a link to where the alert came from (Prometheus' generator URL, a dashboard).</summary>
    public Uri? SourceUrl { get; init; }

    /// <summary>Gets the component that raised the alert (PagerDuty's <c>payload.source</c>); the channel's default when empty.</summary>
    public string? Source { get; init; }

    /// <summary>Gets when the event happened; the send time when absent.</summary>
    public DateTimeOffset? OccurredAt { get; init; }

    /// <summary>Gets the PagerDuty dedup key: one per incident, so trigger, acknowledge and resolve reach one PagerDuty alert.</summary>
    public string DedupKey => $"opsfunctions-{IncidentId}";
}
