using System.Globalization;
using System.Text.Json.Nodes;
using OpsFunctions.Integrations.Notifications;

namespace OpsFunctions.Integrations.PagerDuty;

/// <summary>
/// Renders a notification as an Events API v2 event: <c>trigger</c> (with payload summary, severity, source,
/// timestamp, custom details and links) to open or re-page; <c>acknowledge</c> and <c>resolve</c> with only the
/// routing and dedup keys. All three share the caller's dedup key.
/// </summary>
internal static class PagerDutyEvent
{
    private const int SummaryLength = 1024;

    /// <summary>The event action, or null for a message PagerDuty has no event for (a report, a progress note).</summary>
    public static string? Action(AlertAction alert) => alert switch
    {
        AlertAction.Trigger => "trigger",
        AlertAction.Acknowledge => "acknowledge",
        AlertAction.Resolve => "resolve",
        _ => null,
    };

    /// <summary>Maps severity text to PagerDuty's four: critical, error, warning, info.</summary>
    public static string Severity(string severity) => severity.Trim().ToUpperInvariant() switch
    {
        "CRITICAL" or "P1" => "critical",
        "HIGH" or "ERROR" or "P2" => "error",
        "MEDIUM" or "WARNING" or "P3" => "warning",
        "LOW" or "INFO" or "P4" or "P5" => "info",
        _ => "error",
    };

    public static JsonObject Build(Notification notification, string action, string routingKey, PagerDutyOptions options, DateTimeOffset now)
    {
        var message = new JsonObject
        {
            ["routing_key"] = routingKey,
            ["event_action"] = action,
            ["dedup_key"] = notification.DedupKey,
        };

        if (action != "trigger")
        {
            return message;
        }

        var details = new JsonObject { ["event"] = notification.Event };
        if (notification.Correlation is { Length: > 0 } correlation)
        {
            details["correlation"] = correlation;
        }

        foreach (var field in notification.Fields)
        {
            details[field.Name] = field.Value;
        }

        var summary = string.IsNullOrWhiteSpace(notification.Summary)
            ? NotificationText.Headline(notification)
            : $"{NotificationText.Headline(notification)}: {notification.Summary}";
        message["payload"] = new JsonObject
        {
            ["summary"] = NotificationText.Truncate(summary, SummaryLength),
            ["severity"] = Severity(notification.Severity),
            ["source"] = string.IsNullOrWhiteSpace(notification.Source) ? options.Source : notification.Source,
            ["timestamp"] = (notification.OccurredAt ?? now).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["custom_details"] = details,
        };
        message["client"] = options.Client;
        if (notification.SourceUrl is { } source)
        {
            message["client_url"] = source.AbsoluteUri;
        }

        var links = new JsonArray();
        foreach (var (label, url, _) in NotificationText.Links(notification))
        {
            links.Add(new JsonObject { ["href"] = url.AbsoluteUri, ["text"] = label });
        }

        if (links.Count > 0)
        {
            message["links"] = links;
        }

        return message;
    }
}
