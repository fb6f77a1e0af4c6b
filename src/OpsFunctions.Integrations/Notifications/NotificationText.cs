using System.Text;

namespace OpsFunctions.Integrations.Notifications;

/// <summary>Wording shared by the channels, so a notification reads the same on each.</summary>
internal static class NotificationText
{
    public static string Verb(NotificationKind kind) => kind switch
    {
        NotificationKind.Triggered => "Triggered",
        NotificationKind.Escalated => "Escalated",
        NotificationKind.Acknowledged => "Acknowledged",
        NotificationKind.Resolved => "Resolved",
        NotificationKind.Report => "Incident report",
        NotificationKind.Unacknowledged => "Unacknowledged",
        _ => kind.ToString(),
    };

    /// <summary>"[Critical] Triggered: Checkout latency above 2 s".</summary>
    public static string Headline(Notification notification)
    {
        var severity = string.IsNullOrWhiteSpace(notification.Severity) ? "" : $"[{notification.Severity}] ";
        return $"{severity}{Verb(notification.Kind)}: {notification.Title}";
    }

    /// <summary>Whether the incident still wants a human: the acknowledge link is offered only then.</summary>
    public static bool WantsAcknowledgement(NotificationKind kind) =>
        kind is NotificationKind.Triggered or NotificationKind.Escalated or NotificationKind.Unacknowledged;

    /// <summary>Whether the incident is still open: the resolve link is offered only then.</summary>
    public static bool IsOpen(NotificationKind kind) => kind is not (NotificationKind.Resolved or NotificationKind.Report);

    /// <summary>The links a notification offers, labelled, in the order channels show them.</summary>
    public static IEnumerable<(string Label, Uri Url)> Links(Notification notification)
    {
        if (notification.AcknowledgeUrl is { } ack && WantsAcknowledgement(notification.Kind))
        {
            yield return ("Acknowledge", ack);
        }

        if (notification.ResolveUrl is { } resolve && IsOpen(notification.Kind))
        {
            yield return ("Resolve", resolve);
        }

        if (notification.SourceUrl is { } source)
        {
            yield return ("View source", source);
        }
    }

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

        text.AppendLine($"Incident: {notification.IncidentId}");
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
            foreach (var (label, url) in links)
            {
                text.AppendLine($"{label}: {url.AbsoluteUri}");
            }
        }

        return text.ToString();
    }

    public static string Truncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
