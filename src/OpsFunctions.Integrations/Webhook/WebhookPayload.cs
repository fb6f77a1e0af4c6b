using System.Globalization;
using System.Text.Json.Nodes;
using OpsFunctions.Integrations.Notifications;

namespace OpsFunctions.Integrations.Webhook;

/// <summary>
/// The generic webhook's JSON: the event name (<c>incident.triggered</c>, …), the delivery id, and the notification's
/// fields in camelCase; null links are left out.
/// </summary>
internal static class WebhookPayload
{
    public static string EventName(NotificationKind kind) => kind switch
    {
        NotificationKind.Triggered => "incident.triggered",
        NotificationKind.Escalated => "incident.escalated",
        NotificationKind.Acknowledged => "incident.acknowledged",
        NotificationKind.Resolved => "incident.resolved",
        NotificationKind.Report => "incident.report",
        NotificationKind.Unacknowledged => "incident.unacknowledged",
        _ => $"incident.{kind.ToString().ToLowerInvariant()}",
    };

    public static JsonObject Build(Notification notification, string deliveryId, DateTimeOffset now)
    {
        var fields = new JsonObject();
        foreach (var field in notification.Fields)
        {
            fields[field.Name] = field.Value;
        }

        var links = new JsonObject();
        if (notification.AcknowledgeUrl is { } ack)
        {
            links["acknowledge"] = ack.AbsoluteUri;
        }

        if (notification.ResolveUrl is { } resolve)
        {
            links["resolve"] = resolve.AbsoluteUri;
        }

        if (notification.SourceUrl is { } source)
        {
            links["source"] = source.AbsoluteUri;
        }

        return new JsonObject
        {
            ["event"] = EventName(notification.Kind),
            ["deliveryId"] = deliveryId,
            ["incidentId"] = notification.IncidentId,
            ["kind"] = notification.Kind.ToString(),
            ["title"] = notification.Title,
            ["severity"] = notification.Severity,
            ["summary"] = notification.Summary,
            ["markdownBody"] = notification.MarkdownBody,
            ["source"] = notification.Source,
            ["occurredAt"] = (notification.OccurredAt ?? now).ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["fields"] = fields,
            ["links"] = links,
        };
    }
}
