using System.Text.Json.Nodes;
using OpsFunctions.Integrations.Notifications;

namespace OpsFunctions.Integrations.Slack;

/// <summary>
/// Renders a notification as an incoming-webhook message in Block Kit: a header, a section with the summary and the
/// fields, the Markdown body (for a report), link buttons to acknowledge and resolve, and a context footer.
/// <c>text</c> carries the same headline for notifications and clients without blocks.
/// </summary>
internal static class SlackMessage
{
    // Block Kit limits: header text 150, section text 3000, 10 fields of 2000, button text 75, URL 3000.
    private const int HeaderLength = 150;
    private const int SectionLength = 3000;
    private const int FieldLength = 2000;
    private const int MaxFields = 10;

    public static JsonObject Build(Notification notification, string footer)
    {
        var blocks = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "header",
                ["text"] = PlainText(NotificationText.Truncate($"{Emoji(notification.Tone)} {NotificationText.Headline(notification)}", HeaderLength)),
            },
        };

        var fields = new JsonArray();
        foreach (var (name, value) in Fields(notification).Take(MaxFields))
        {
            fields.Add(Markdown(NotificationText.Truncate($"*{Escape(name)}*\n{Escape(value)}", FieldLength)));
        }

        var section = new JsonObject { ["type"] = "section" };
        section["text"] = Markdown(NotificationText.Truncate(
            string.IsNullOrWhiteSpace(notification.Summary) ? $"*{Escape(notification.Title)}*" : Escape(notification.Summary), SectionLength));
        section["fields"] = fields;
        blocks.Add(section);

        if (!string.IsNullOrWhiteSpace(notification.MarkdownBody))
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "section",
                ["text"] = Markdown(NotificationText.Truncate(ToMrkdwn(notification.MarkdownBody), SectionLength)),
            });
        }

        var buttons = new JsonArray();
        foreach (var (label, url, style) in NotificationText.Links(notification))
        {
            var button = new JsonObject
            {
                ["type"] = "button",
                ["text"] = PlainText(label),
                ["url"] = url.AbsoluteUri,
                ["action_id"] = label.ToLowerInvariant().Replace(' ', '_'),
            };
            if (style != NotificationLinkStyle.Default)
            {
                button["style"] = style == NotificationLinkStyle.Primary ? "primary" : "danger";
            }

            buttons.Add(button);
        }

        if (buttons.Count > 0)
        {
            blocks.Add(new JsonObject { ["type"] = "actions", ["elements"] = buttons });
        }

        blocks.Add(new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray { Markdown(notification.Correlation is { Length: > 0 } correlation ? $"{Escape(footer)} · {Escape(correlation)}" : Escape(footer)) },
        });

        return new JsonObject
        {
            ["text"] = NotificationText.Headline(notification),
            ["blocks"] = blocks,
        };
    }

    /// <summary>Escapes the three characters Slack's mrkdwn reserves.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal);

    private static IEnumerable<(string Name, string Value)> Fields(Notification notification)
    {
        if (!string.IsNullOrWhiteSpace(notification.Severity))
        {
            yield return ("Severity", notification.Severity);
        }

        foreach (var field in notification.Fields)
        {
            yield return (field.Name, field.Value);
        }
    }

    /// <summary>Slack's mrkdwn has no headings and single-star bold: turn "# Title" and "**x**" into "*Title*" and "*x*".</summary>
    private static string ToMrkdwn(string markdown)
    {
        var lines = Escape(markdown).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Replace("**", "*", StringComparison.Ordinal);
            var heading = line.TrimStart('#');
            lines[i] = heading.Length < line.Length && heading.StartsWith(' ') ? $"*{heading.Trim()}*" : line;
        }

        return string.Join('\n', lines);
    }

    private static string Emoji(NotificationTone tone) => tone switch
    {
        NotificationTone.Alert => ":rotating_light:",
        NotificationTone.Warning => ":warning:",
        NotificationTone.Success => ":white_check_mark:",
        _ => ":information_source:",
    };

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = true };

    private static JsonObject Markdown(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };
}
