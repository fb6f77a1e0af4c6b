using System.Globalization;
using OpsFunctions.Integrations.Notifications;

namespace OpsFunctions.Operations;

/// <summary>
/// A person or team and the channels that reach them. Bound from configuration (an escalation level's
/// <c>Contacts</c>, a severity route); a notification goes out on every channel that is set.
/// </summary>
public sealed record Contact
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

    /// <summary>Gets where a notification to this contact goes: one target per channel that is set.</summary>
    public IEnumerable<ChannelTarget> Targets()
    {
        if (!string.IsNullOrWhiteSpace(SlackChannel))
        {
            yield return ChannelTarget.Slack(SlackChannel);
        }

        if (!string.IsNullOrWhiteSpace(SlackUser))
        {
            yield return ChannelTarget.Slack(SlackUser);
        }

        if (!string.IsNullOrWhiteSpace(TeamsWebhook))
        {
            yield return ChannelTarget.Teams(TeamsWebhook);
        }

        if (!string.IsNullOrWhiteSpace(PagerDutyRoutingKey))
        {
            yield return ChannelTarget.PagerDuty(PagerDutyRoutingKey);
        }

        if (!string.IsNullOrWhiteSpace(Email))
        {
            yield return ChannelTarget.Email(Email);
        }

        if (!string.IsNullOrWhiteSpace(WebhookUrl))
        {
            yield return ChannelTarget.Webhook(WebhookUrl);
        }
    }
}

/// <summary>Checks configured contacts: a name, at least one channel, and well-formed addresses.</summary>
internal static class ContactValidation
{
    public static void Validate(string prefix, List<Contact> contacts, List<string> failures)
    {
        if (contacts.Count == 0)
        {
            failures.Add($"{prefix} must hold at least one contact");
            return;
        }

        for (var i = 0; i < contacts.Count; i++)
        {
            var contact = contacts[i];
            var contactPrefix = string.Create(CultureInfo.InvariantCulture, $"{prefix}:{i}");
            if (string.IsNullOrWhiteSpace(contact.Name))
            {
                failures.Add($"{contactPrefix}:Name is required");
            }

            if (!contact.Targets().Any())
            {
                failures.Add($"{contactPrefix} must set a channel: SlackChannel, SlackUser, TeamsWebhook, PagerDutyRoutingKey, Email or WebhookUrl");
            }

            if (!string.IsNullOrWhiteSpace(contact.Email) && !contact.Email.Contains('@', StringComparison.Ordinal))
            {
                failures.Add($"{contactPrefix}:Email must be an email address, not '{contact.Email}'");
            }

            if (!string.IsNullOrWhiteSpace(contact.WebhookUrl)
                && (!Uri.TryCreate(contact.WebhookUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
            {
                failures.Add($"{contactPrefix}:WebhookUrl must be an absolute http or https URL");
            }
        }
    }
}
