using System.Net;
using System.Text;
using MimeKit;
using OpsFunctions.Integrations.Notifications;

namespace OpsFunctions.Integrations.Email;

/// <summary>Renders a notification as a multipart/alternative message: a text part, then an HTML part.</summary>
internal static class EmailMessage
{
    public static MimeMessage Build(Notification notification, MailboxAddress from, InternetAddressList to, string subjectPrefix, DateTimeOffset now)
    {
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.AddRange(to);
        var subject = notification.Correlation is { Length: > 0 } correlation
            ? $"{NotificationText.Headline(notification)} ({correlation})"
            : NotificationText.Headline(notification);
        message.Subject = string.IsNullOrWhiteSpace(subjectPrefix) ? subject : $"{subjectPrefix} {subject}";
        message.Date = notification.OccurredAt ?? now;
        message.Headers.Add("X-OpsFunctions-Event", notification.Event);
        if (notification.Correlation is { Length: > 0 })
        {
            message.Headers.Add("X-OpsFunctions-Correlation", notification.Correlation);
        }

        var body = new BodyBuilder
        {
            TextBody = NotificationText.PlainText(notification),
            HtmlBody = Html(notification),
        };
        message.Body = body.ToMessageBody();
        return message;
    }

    private static string Html(Notification notification)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        html.Append("<h2>").Append(Encode(NotificationText.Headline(notification))).Append("</h2>");
        if (!string.IsNullOrWhiteSpace(notification.Summary))
        {
            html.Append("<p>").Append(Encode(notification.Summary)).Append("</p>");
        }

        html.Append("<table cellpadding=\"4\">");
        if (!string.IsNullOrWhiteSpace(notification.Severity))
        {
            Row(html, "Severity", notification.Severity);
        }

        foreach (var field in notification.Fields)
        {
            Row(html, field.Name, field.Value);
        }

        html.Append("</table>");

        if (!string.IsNullOrWhiteSpace(notification.MarkdownBody))
        {
            // Markdown shown as written: it reads well in a fixed font, and no renderer is needed.
            html.Append("<pre style=\"white-space:pre-wrap\">").Append(Encode(notification.MarkdownBody.TrimEnd())).Append("</pre>");
        }

        var links = NotificationText.Links(notification).ToList();
        if (links.Count > 0)
        {
            html.Append("<p>");
            foreach (var (label, url, _) in links)
            {
                html.Append("<a href=\"").Append(Encode(url.AbsoluteUri)).Append("\">").Append(Encode(label)).Append("</a> ");
            }

            html.Append("</p>");
        }

        html.Append("</body></html>");
        return html.ToString();
    }

    private static void Row(StringBuilder html, string name, string value) =>
        html.Append("<tr><th align=\"left\">").Append(Encode(name)).Append("</th><td>").Append(Encode(value)).Append("</td></tr>");

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
