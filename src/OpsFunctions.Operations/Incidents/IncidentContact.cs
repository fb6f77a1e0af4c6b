namespace OpsFunctions.Operations.Incidents;

/// <summary>
/// A person or team and the channels that reach them. Bound from configuration (an escalation level's
/// <c>Contacts</c>, a severity route) and handed to <see cref="IIncidentNotifier"/>; the notifier adapter
/// delivers on every channel that is set.
/// </summary>
public sealed record IncidentContact
{
    /// <summary>Gets the name shown on the timeline, e.g. <c>on-call engineer</c>.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Gets the Slack channel (<c>#incidents</c>).</summary>
    public string? SlackChannel { get; init; }

    /// <summary>Gets the Slack user (<c>@alice</c> or a member id).</summary>
    public string? SlackUser { get; init; }

    /// <summary>Gets the name of a configured Teams incoming webhook.</summary>
    public string? TeamsWebhook { get; init; }

    /// <summary>Gets the PagerDuty Events API v2 routing key (or the name the notifier maps to one).</summary>
    public string? PagerDutyRoutingKey { get; init; }

    public string? Email { get; init; }

    /// <summary>Gets the URL of a generic JSON webhook.</summary>
    public string? WebhookUrl { get; init; }

    /// <summary>Gets the channels that are set, as (channel, target) pairs.</summary>
    public IEnumerable<(string Channel, string Target)> Channels()
    {
        if (!string.IsNullOrWhiteSpace(SlackChannel))
        {
            yield return (NotificationChannels.Slack, SlackChannel);
        }

        if (!string.IsNullOrWhiteSpace(SlackUser))
        {
            yield return (NotificationChannels.Slack, SlackUser);
        }

        if (!string.IsNullOrWhiteSpace(TeamsWebhook))
        {
            yield return (NotificationChannels.Teams, TeamsWebhook);
        }

        if (!string.IsNullOrWhiteSpace(PagerDutyRoutingKey))
        {
            yield return (NotificationChannels.PagerDuty, PagerDutyRoutingKey);
        }

        if (!string.IsNullOrWhiteSpace(Email))
        {
            yield return (NotificationChannels.Email, Email);
        }

        if (!string.IsNullOrWhiteSpace(WebhookUrl))
        {
            yield return (NotificationChannels.Webhook, WebhookUrl);
        }
    }
}

/// <summary>The channel names of <see cref="DeliveryOutcome.Channel"/>.</summary>
public static class NotificationChannels
{
    public const string Slack = "slack";
    public const string Teams = "teams";
    public const string PagerDuty = "pagerduty";
    public const string Email = "email";
    public const string Webhook = "webhook";
}
