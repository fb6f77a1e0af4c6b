using System.Text;

namespace OpsFunctions.Integrations.Notifications;

/// <summary>Wording shared by the channels, so a notification reads the same on each.</summary>
internal static class NotificationText
{
    /// <summary>"[Critical] Triggered: Checkout latency above 2 s".</summary>
    public static string Headline(Notification notification)
    {
        var severity = string.IsNullOrWhiteSpace(notification.Severity) ? "" : $"[{notification.Severity}] ";
        var status = string.IsNullOrWhiteSpace(notification.Status) ? "" : $"{notification.Status}: ";
        return $"{severity}{status}{notification.Title}";
    }

    /// <summary>The links a notification offers, in order, then the source link when there is one.</summary>
    public static IEnumerable<NotificationLink> Links(Notification notification)
        => notification.SourceUrl is { } source ? [.. notification.Links, new NotificationLink("View source", source)] : notification.Links;

    /// <summary>The plain-text rendering: email's text part.</summary>
    public static string PlainText(Notification notification)
    {
        var text = new StringBuilder();
        text.AppendLine(Headline(notification));
        text.AppendLine();
        if (!string.IsNullOrWhiteSpace(notification.Summary))
        {
            text.AppendLine(notification.Summary);
            text.AppendLine();
        }

        if (!string.IsNullOrWhiteSpace(notification.Severity))
        {
            text.AppendLine($"Severity: {notification.Severity}");
        }

        foreach (var field in notification.Fields)
        {
            text.AppendLine($"{field.Name}: {field.Value}");
        }

        if (!string.IsNullOrWhiteSpace(notification.MarkdownBody))
        {
            text.AppendLine();
            text.AppendLine(notification.MarkdownBody.TrimEnd());
        }

        var links = Links(notification).ToList();
        if (links.Count > 0)
        {
            text.AppendLine();
            foreach (var (label, url, _) in links)
            {
                text.AppendLine($"{label}: {url.AbsoluteUri}");
            }
        }

        return text.ToString();
    }

    public static string Truncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
