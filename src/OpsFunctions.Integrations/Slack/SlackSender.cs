using OpsFunctions.Integrations.Http;
using OpsFunctions.Integrations.Notifications;

namespace OpsFunctions.Integrations.Slack;

/// <summary>Posts Block Kit messages to Slack incoming webhooks.</summary>
internal sealed class SlackSender(HttpDelivery http, IOptionsMonitor<SlackOptions> options) : IChannelSender
{
    public ChannelKind Kind => ChannelKind.Slack;

    public Task<DeliveryResult> SendAsync(ChannelTarget target, Notification notification, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var url = settings.Resolve(target.Address);
        if (url is null)
        {
            return Task.FromResult(DeliveryFailure.NotSent(
                target,
                $"no Slack webhook for '{target.Redacted()}': set {SlackOptions.Section}:Channels:{target.Address.TrimStart('#', '@')} or {SlackOptions.Section}:DefaultWebhookUrl"));
        }

        return http.PostJsonAsync(IntegrationsHttpClients.Slack, target, url, SlackMessage.Build(notification, settings.Footer), cancellationToken);
    }
}
