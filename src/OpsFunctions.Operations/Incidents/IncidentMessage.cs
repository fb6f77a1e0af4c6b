using System.Globalization;
using OpsFunctions.Integrations.Notifications;

namespace OpsFunctions.Operations.Incidents;

/// <summary>
/// The wording of incident notifications: one neutral <see cref="Notification"/> per notice, the same on every channel.
/// </summary>
public static class IncidentMessage
{
    /// <summary>The PagerDuty dedup key of an incident: one per incident, so trigger, acknowledge and resolve reach one alert.</summary>
    public static string DedupKey(string incidentId) => $"opsfunctions-{incidentId}";

    /// <param name="input">What to say, about which incident, at which level.</param>
    /// <param name="acknowledgeLink">A signed link that acknowledges, offered while someone is paged.</param>
    /// <param name="resolveLink">A signed link that resolves, offered while the incident is open.</param>
    public static Notification Compose(NotifyIncidentInput input, Uri? acknowledgeLink, Uri? resolveLink)
    {
        ArgumentNullException.ThrowIfNull(input);
        var incident = input.Incident;
        var actor = input.Kind is NotificationKind.Acknowledged or NotificationKind.Resolved && input.Actor is { Length: > 0 } a ? a : null;
        var fields = new List<NotificationField>
        {
            new("Service", incident.Service),
            new("State", incident.State.ToString()),
            new("Incident", input.IncidentId),
        };
        if (incident.TotalAlerts > 0)
        {
            fields.Add(new("Alerts firing", string.Create(CultureInfo.InvariantCulture, $"{incident.FiringAlerts} of {incident.TotalAlerts}")));
        }

        if (input.Level is { } level)
        {
            fields.Add(new("Level", string.Create(CultureInfo.InvariantCulture, $"L{level}")));
        }

        if (actor is not null)
        {
            fields.Add(new("By", actor));
        }

        var links = new List<NotificationLink>(2);
        if (acknowledgeLink is not null)
        {
            links.Add(new("Acknowledge", acknowledgeLink, NotificationLinkStyle.Primary));
        }

        if (resolveLink is not null)
        {
            links.Add(new("Resolve", resolveLink, NotificationLinkStyle.Danger));
        }

        var text = input.Text ?? input.Note;
        return new Notification
        {
            Title = incident.Title,
            DedupKey = DedupKey(input.IncidentId),
            Event = $"incident.{input.Kind.ToString().ToLowerInvariant()}",
            Status = input.Kind == NotificationKind.Report ? "Incident report" : input.Kind.ToString(),
            Correlation = input.IncidentId,
            Severity = incident.Severity.ToString(),
            Summary = Summary(input.Kind, incident, input.Level, actor, input.Kind == NotificationKind.Report ? null : text),
            MarkdownBody = input.Kind == NotificationKind.Report ? text : null,
            Fields = fields,
            Links = links,
            Alert = input.Kind switch
            {
                NotificationKind.Triggered or NotificationKind.Escalated or NotificationKind.Unacknowledged => AlertAction.Trigger,
                NotificationKind.Acknowledged => AlertAction.Acknowledge,
                NotificationKind.Resolved => AlertAction.Resolve,
                _ => AlertAction.None,
            },
            Tone = input.Kind switch
            {
                NotificationKind.Triggered or NotificationKind.Escalated => NotificationTone.Alert,
                NotificationKind.Unacknowledged => NotificationTone.Warning,
                NotificationKind.Resolved => NotificationTone.Success,
                _ => NotificationTone.Info,
            },
            Source = incident.Service,
            SourceUrl = Uri.TryCreate(incident.ExternalUrl, UriKind.Absolute, out var source) ? source : null,
            OccurredAt = input.At,
        };
    }

    private static string Summary(NotificationKind kind, IncidentSummary incident, int? level, string? actor, string? note)
    {
        var by = actor is null ? string.Empty : $" by {actor}";
        var summary = kind switch
        {
            NotificationKind.Triggered => $"{incident.Severity} incident on {incident.Service}: {incident.Title}.",
            NotificationKind.Escalated => $"Escalated to L{level}: {incident.Title} on {incident.Service} is not acknowledged.",
            NotificationKind.Acknowledged => $"Acknowledged{by}: {incident.Title}.",
            NotificationKind.Resolved => $"Resolved{by}: {incident.Title}.",
            NotificationKind.Report => $"Incident report: {incident.Title}.",
            NotificationKind.Unacknowledged => $"Nobody acknowledged {incident.Title} on {incident.Service}; paging continues.",
            _ => incident.Title,
        };
        if (incident.AlertNames.Count > 0 && kind is NotificationKind.Triggered or NotificationKind.Escalated or NotificationKind.Unacknowledged)
        {
            summary += $" Alerts: {string.Join(", ", incident.AlertNames)}.";
        }

        return note is { Length: > 0 } ? $"{summary} {note}" : summary;
    }
}
