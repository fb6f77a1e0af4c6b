using OpsFunctions.Integrations.Http;
using OpsFunctions.Integrations.Notifications;

namespace OpsFunctions.Integrations.PagerDuty;

/// <summary>Sends trigger, acknowledge and resolve events to PagerDuty's Events API v2.</summary>
internal sealed class PagerDutySender(HttpDelivery http, IOptionsMonitor<PagerDutyOptions> options, TimeProvider time) : IChannelSender
{
    public ChannelKind Kind => ChannelKind.PagerDuty;

    public Task<DeliveryResult> SendAsync(ChannelTarget target, Notification notification, CancellationToken cancellationToken)
    {
        var action = PagerDutyEvent.Action(notification.Alert);
        if (action is null)
        {
            return Task.FromResult(DeliveryFailure.Skipped(target, $"not sent: PagerDuty has no event for {notification.Event}"));
        }

        var settings = options.CurrentValue;
        var routingKey = settings.ResolveRoutingKey(target.Address);
        var message = PagerDutyEvent.Build(notification, action, routingKey, settings, time.GetUtcNow());
        return http.PostJsonAsync(IntegrationsHttpClients.PagerDuty, target, settings.EnqueueUrl, message, cancellationToken);
    }
}
