using System.Text.Json.Serialization;

namespace OpsFunctions.Integrations.Notifications;

[JsonConverter(typeof(JsonStringEnumConverter<ChannelKind>))]
public enum ChannelKind
{
    Slack,
    Teams,
    PagerDuty,
    Email,
    Webhook,
}

/// <summary>
/// Where one notification goes. <paramref name="Address"/> is a Slack channel or user name (mapped to an incoming
/// webhook in <c>Notifications:Slack:Channels</c>) or a webhook URL; a Teams webhook name or URL; a PagerDuty routing
/// key or its name in <c>Notifications:PagerDuty:RoutingKeys</c>; an email address (or a comma-separated list);
/// a webhook URL or its name in <c>Notifications:Webhook:Endpoints</c>.
/// </summary>
/// <remarks>An address may be a secret (a routing key, a URL holding a token): <see cref="ToString"/> shows only
/// <see cref="Redacted"/>, which is also what a <see cref="DeliveryResult"/> records.</remarks>
public sealed record ChannelTarget(ChannelKind Kind, string Address)
{
    public static ChannelTarget Slack(string channelOrUrl) => new(ChannelKind.Slack, channelOrUrl);

    public static ChannelTarget Teams(string webhookNameOrUrl) => new(ChannelKind.Teams, webhookNameOrUrl);

    public static ChannelTarget PagerDuty(string routingKeyOrName) => new(ChannelKind.PagerDuty, routingKeyOrName);

    public static ChannelTarget Email(string address) => new(ChannelKind.Email, address);

    public static ChannelTarget Webhook(string urlOrName) => new(ChannelKind.Webhook, urlOrName);

    /// <summary>Gets the address without its secret part: a URL's scheme and host, a routing key's last four characters.</summary>
    public string Redacted() => RedactAddress(Kind, Address);

    public override string ToString() => $"{Kind} {Redacted()}";

    internal static string RedactAddress(ChannelKind kind, string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return "(no address)";
        }

        if (Uri.TryCreate(address, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            return $"{url.Scheme}://{url.Authority}/…";
        }

        // PagerDuty integration keys are 32 letters and digits; a configured key name reads like "payments-primary".
        if (kind == ChannelKind.PagerDuty && address.Length >= 20 && address.All(char.IsAsciiLetterOrDigit))
        {
            return $"routing key …{address[^4..]}";
        }

        return address;
    }
}
