using System.Text.Json.Nodes;
using OpsFunctions.Integrations.Notifications;

namespace OpsFunctions.Integrations.Teams;

/// <summary>
/// Renders a notification as the message an incoming webhook takes: <c>{"type":"message","attachments":[{contentType
/// "application/vnd.microsoft.card.adaptive", content: AdaptiveCard}]}</c>, with a heading, the summary, a fact set,
/// the Markdown body and <c>Action.OpenUrl</c> buttons.
/// </summary>
internal static class TeamsCard
{
    public const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";

    public static JsonObject Build(Notification notification)
    {
        var body = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "TextBlock",
                ["text"] = NotificationText.Headline(notification),
                ["size"] = "Large",
                ["weight"] = "Bolder",
                ["style"] = "heading",
                ["color"] = Color(notification),
                ["wrap"] = true,
            },
        };

        if (!string.IsNullOrWhiteSpace(notification.Summary))
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = notification.Summary, ["wrap"] = true });
        }

        var facts = new JsonArray();
        if (!string.IsNullOrWhiteSpace(notification.Severity))
        {
            facts.Add(Fact("Severity", notification.Severity));
        }

        foreach (var field in notification.Fields)
        {
            facts.Add(Fact(field.Name, field.Value));
        }

        body.Add(new JsonObject { ["type"] = "FactSet", ["facts"] = facts });

        if (!string.IsNullOrWhiteSpace(notification.MarkdownBody))
        {
            // TextBlock renders a subset of Markdown (emphasis, lists, links); headings show as plain lines.
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = notification.MarkdownBody, ["wrap"] = true, ["separator"] = true });
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
        };

        var actions = new JsonArray();
        foreach (var (label, url, _) in NotificationText.Links(notification))
        {
            actions.Add(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = label, ["url"] = url.AbsoluteUri });
        }

        if (actions.Count > 0)
        {
            card["actions"] = actions;
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray
            {
                new JsonObject
                {
                    ["contentType"] = AdaptiveCardContentType,
                    ["contentUrl"] = null,
                    ["content"] = card,
                },
            },
        };
    }

    private static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };

    private static string Color(Notification notification) => notification.Tone switch
    {
        NotificationTone.Success => "Good",
        NotificationTone.Warning => "Warning",
        NotificationTone.Alert => notification.Severity.ToUpperInvariant() is "CRITICAL" or "HIGH" or "ERROR" ? "Attention" : "Warning",
        _ => "Default",
    };
}
