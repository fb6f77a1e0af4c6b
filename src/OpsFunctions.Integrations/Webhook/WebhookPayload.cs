using System.Globalization;
using System.Text.Json.Nodes;
using OpsFunctions.Integrations.Notifications;

namespace OpsFunctions.Integrations.Webhook;

/// <summary>
/// The generic webhook's JSON: the event name (<c>incident.triggered</c>, …), the delivery id, and the notification's
/// fields in camelCase, with its links as a list of labels and URLs.
/// </summary>
internal static class WebhookPayload
{
    public static JsonObject Build(Notification notification, string deliveryId, DateTimeOffset now)
    {
        var fields = new JsonObject();
        foreach (var field in notification.Fields)
        {
            fields[field.Name] = field.Value;
        }

        var links = new JsonArray();
        foreach (var (label, url, _) in NotificationText.Links(notification))
        {
            links.Add(new JsonObject { ["label"] = label, ["url"] = url.AbsoluteUri });
        }

        return new JsonObject
        {
            ["event"] = notification.Event,
            ["deliveryId"] = deliveryId,
            ["correlation"] = notification.Correlation,
            ["dedupKey"] = notification.DedupKey,
            ["status"] = notification.Status,
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
