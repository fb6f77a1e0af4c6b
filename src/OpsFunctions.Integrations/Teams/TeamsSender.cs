using OpsFunctions.Integrations.Http;
using OpsFunctions.Integrations.Notifications;

namespace OpsFunctions.Integrations.Teams;

/// <summary>Posts Adaptive Cards to Microsoft Teams incoming webhooks.</summary>
internal sealed class TeamsSender(HttpDelivery http, IOptionsMonitor<TeamsOptions> options) : IChannelSender
{
    public ChannelKind Kind => ChannelKind.Teams;

    public Task<DeliveryResult> SendAsync(ChannelTarget target, Notification notification, CancellationToken cancellationToken)
    {
        var url = options.CurrentValue.Resolve(target.Address);
        if (url is null)
        {
            return Task.FromResult(DeliveryFailure.NotSent(
                target, $"no Teams webhook named '{target.Redacted()}': set {TeamsOptions.Section}:Webhooks:{target.Address}"));
        }

        return http.PostJsonAsync(IntegrationsHttpClients.Teams, target, url, TeamsCard.Build(notification), cancellationToken);
    }
}
