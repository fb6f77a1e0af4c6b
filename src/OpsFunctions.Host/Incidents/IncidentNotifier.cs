using System.Globalization;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Operations.Incidents;
using IntegrationKind = OpsFunctions.Integrations.Notifications.NotificationKind;
using OperationsKind = OpsFunctions.Operations.Incidents.NotificationKind;

namespace OpsFunctions.Host.Incidents;

/// <summary>
/// <see cref="IIncidentNotifier"/> over the Integrations channels: every channel of every contact becomes a
/// <see cref="ChannelTarget"/> (each target once), the incident notification one <see cref="Notification"/>, and each
/// <see cref="DeliveryResult"/> one <see cref="DeliveryOutcome"/> naming the redacted target only.
/// </summary>
public sealed class IncidentNotifier(INotificationSender sender) : IIncidentNotifier
{
    public async Task<IReadOnlyList<DeliveryOutcome>> NotifyAsync(IncidentNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var targets = Targets(notification.Contacts);
        if (targets.Count == 0)
        {
            return [];
        }

        var results = await sender.SendAllAsync(targets, ToNotification(notification), cancellationToken);
        return [.. results.Select(r => new DeliveryOutcome(ChannelName(r.Channel), r.Target, r.Success, r.Success ? null : r.Error ?? "not delivered"))];
    }

    public static IReadOnlyList<ChannelTarget> Targets(IEnumerable<IncidentContact> contacts)
        => [.. contacts.SelectMany(c => c.Channels()).Select(c => Target(c.Channel, c.Target)).OfType<ChannelTarget>().Distinct()];

    public static Notification ToNotification(IncidentNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var incident = notification.Incident;
        var fields = new List<NotificationField>
        {
            new("Service", incident.Service),
            new("Severity", incident.Severity.ToString()),
            new("State", incident.State.ToString()),
            new("Incident", incident.Id),
        };
        if (incident.TotalAlerts > 0)
        {
            fields.Add(new("Alerts firing", string.Create(CultureInfo.InvariantCulture, $"{incident.FiringAlerts} of {incident.TotalAlerts}")));
        }

        if (notification.Level is { } level)
        {
            fields.Add(new("Level", string.Create(CultureInfo.InvariantCulture, $"L{level}")));
        }

        if (notification.Actor is { Length: > 0 } actor)
        {
            fields.Add(new("By", actor));
        }

        return new Notification
        {
            IncidentId = notification.IncidentId,
            Kind = Kind(notification.Kind),
            Title = incident.Title,
            Severity = incident.Severity.ToString(),
            Summary = Summary(notification),
            MarkdownBody = notification.Kind == OperationsKind.Report ? notification.Text : null,
            Fields = fields,
            AcknowledgeUrl = notification.AcknowledgeLink,
            ResolveUrl = notification.ResolveLink,
            SourceUrl = Uri.TryCreate(incident.ExternalUrl, UriKind.Absolute, out var source) ? source : null,
            Source = incident.Service,
        };
    }

    private static string Summary(IncidentNotification notification)
    {
        var incident = notification.Incident;
        var by = notification.Actor is { Length: > 0 } actor ? $" by {actor}" : string.Empty;
        var summary = notification.Kind switch
        {
            OperationsKind.Triggered => $"{incident.Severity} incident on {incident.Service}: {incident.Title}.",
            OperationsKind.Escalated => $"Escalated to L{notification.Level}: {incident.Title} on {incident.Service} is not acknowledged.",
            OperationsKind.Acknowledged => $"Acknowledged{by}: {incident.Title}.",
            OperationsKind.Resolved => $"Resolved{by}: {incident.Title}.",
            OperationsKind.Report => $"Incident report: {incident.Title}.",
            OperationsKind.Unacknowledged => $"Nobody acknowledged {incident.Title} on {incident.Service}; paging continues.",
            _ => incident.Title,
        };
        if (incident.AlertNames.Count > 0 && notification.Kind is OperationsKind.Triggered or OperationsKind.Escalated or OperationsKind.Unacknowledged)
        {
            summary += $" Alerts: {string.Join(", ", incident.AlertNames)}.";
        }

        return notification.Kind != OperationsKind.Report && notification.Text is { Length: > 0 } text ? $"{summary} {text}" : summary;
    }

    private static IntegrationKind Kind(OperationsKind kind) => kind switch
    {
        OperationsKind.Triggered => IntegrationKind.Triggered,
        OperationsKind.Escalated => IntegrationKind.Escalated,
        OperationsKind.Acknowledged => IntegrationKind.Acknowledged,
        OperationsKind.Resolved => IntegrationKind.Resolved,
        OperationsKind.Report => IntegrationKind.Report,
        _ => IntegrationKind.Unacknowledged,
    };

    private static ChannelTarget? Target(string channel, string address) => channel switch
    {
        NotificationChannels.Slack => ChannelTarget.Slack(address),
        NotificationChannels.Teams => ChannelTarget.Teams(address),
        NotificationChannels.PagerDuty => ChannelTarget.PagerDuty(address),
        NotificationChannels.Email => ChannelTarget.Email(address),
        NotificationChannels.Webhook => ChannelTarget.Webhook(address),
        _ => null,
    };

    private static string ChannelName(ChannelKind kind) => kind switch
    {
        ChannelKind.Slack => NotificationChannels.Slack,
        ChannelKind.Teams => NotificationChannels.Teams,
        ChannelKind.PagerDuty => NotificationChannels.PagerDuty,
        ChannelKind.Email => NotificationChannels.Email,
        _ => NotificationChannels.Webhook,
    };
}
