using System.Text.Json.Serialization;

namespace OpsFunctions.Integrations.Notifications;

/// <summary>
/// What a message does to the alert it is about, on channels that keep alerts open until they are acknowledged or
/// resolved (PagerDuty); the other channels show the message whatever it is.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlertAction>))]
public enum AlertAction
{
    /// <summary>Nothing to open or close: a report, a progress note. PagerDuty sends nothing.</summary>
    None,

    /// <summary>Opens the alert, or pages again while it is open.</summary>
    Trigger,

    Acknowledge,

    Resolve,
}

/// <summary>How a message looks: Slack's emoji and Teams' heading colour.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NotificationTone>))]
public enum NotificationTone
{
    /// <summary>For information: a report, an acknowledgement, progress.</summary>
    Info,

    /// <summary>Needs someone now: coloured by severity on Teams.</summary>
    Alert,

    /// <summary>Needs someone soon: nobody acted, a check is inconclusive.</summary>
    Warning,

    /// <summary>Went well: resolved, promoted, healthy again.</summary>
    Success,
}

/// <summary>A name and value shown with a notification (service, alert count, level).</summary>
public sealed record NotificationField(string Name, string Value);

/// <summary>A link a notification offers, as a button where the channel has buttons: a signed action link, a source.</summary>
/// <param name="Label">The button's text: "Acknowledge", "Promote", "View source".</param>
/// <param name="Url">Where it goes.</param>
/// <param name="Style">How the button looks where the channel styles buttons (Slack).</param>
public sealed record NotificationLink(string Label, Uri Url, NotificationLinkStyle Style = NotificationLinkStyle.Default);

[JsonConverter(typeof(JsonStringEnumConverter<NotificationLinkStyle>))]
public enum NotificationLinkStyle
{
    Default,

    /// <summary>The action the message asks for (acknowledge, promote).</summary>
    Primary,

    /// <summary>An action that ends something (resolve, abort).</summary>
    Danger,
}

/// <summary>
/// One message, neutral of the workflow that sends it and of the channel that carries it. Every channel renders the
/// same record: Slack blocks, a Teams card, a PagerDuty event, an email, a webhook's JSON.
/// </summary>
public sealed record Notification
{
    public required string Title { get; init; }

    /// <summary>
    /// Gets the key of the thing the message is about, chosen by the caller and the same for every message about it:
    /// PagerDuty's dedup key, so trigger, acknowledge and resolve reach one PagerDuty alert.
    /// </summary>
    public required string DedupKey { get; init; }

    /// <summary>Gets the machine-readable event, e.g. <c>incident.triggered</c>: the webhook's <c>event</c>, an email header.</summary>
    public required string Event { get; init; }

    /// <summary>Gets the human word for the event, the headline's first part: "Triggered" in "[Critical] Triggered: …".</summary>
    public string Status { get; init; } = "";

    /// <summary>
    /// Gets what the message belongs to as readers know it (an incident id, a rollout): shown in footers and subjects,
    /// carried in the webhook's JSON and an email header, and logged with every delivery.
    /// </summary>
    public string? Correlation { get; init; }

    /// <summary>Gets the severity as text: Critical, High, Medium, Low (error, warning and info are understood too).</summary>
    public string Severity { get; init; } = "";

    /// <summary>Gets a short plain-text summary, one or two sentences.</summary>
    public string Summary { get; init; } = "";

    /// <summary>Gets a Markdown body, such as a report; optional.</summary>
    public string? MarkdownBody { get; init; }

    public IReadOnlyList<NotificationField> Fields { get; init; } = [];

    /// <summary>Gets the links offered, in the order channels show them.</summary>
    public IReadOnlyList<NotificationLink> Links { get; init; } = [];

    public AlertAction Alert { get; init; }

    public NotificationTone Tone { get; init; }

    /// <summary>Gets the component the message is about (PagerDuty's <c>payload.source</c>); the channel's default when empty.</summary>
    public string? Source { get; init; }

    /// <summary>Gets a link to where the event came from (Prometheus' generator URL, a dashboard); PagerDuty's client URL.</summary>
    public Uri? SourceUrl { get; init; }

    /// <summary>Gets when the event happened; the send time when absent.</summary>
    public DateTimeOffset? OccurredAt { get; init; }
}
