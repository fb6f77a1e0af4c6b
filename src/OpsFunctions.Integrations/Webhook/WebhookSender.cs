using System.Text;
using OpsFunctions.Integrations.Http;
using OpsFunctions.Integrations.Notifications;

namespace OpsFunctions.Integrations.Webhook;

/// <summary>
/// Posts the notification as signed JSON. Retries resend the same bytes with the same delivery id, so a receiver
/// can drop a duplicate.
/// </summary>
internal sealed class WebhookSender(HttpDelivery http, IOptionsMonitor<WebhookOptions> options, TimeProvider time) : IChannelSender
{
    public ChannelKind Kind => ChannelKind.Webhook;

    public Task<DeliveryResult> SendAsync(ChannelTarget target, Notification notification, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var url = settings.Resolve(target.Address);
        if (url is null)
        {
            return Task.FromResult(DeliveryFailure.NotSent(
                target, $"no webhook endpoint named '{target.Redacted()}': set {WebhookOptions.Section}:Endpoints:{target.Address}"));
        }

        if (string.IsNullOrEmpty(settings.Secret))
        {
            return Task.FromResult(DeliveryFailure.NotSent(target, $"{WebhookOptions.Section}:Secret is not set, and webhooks are only sent signed"));
        }

        var deliveryId = Guid.NewGuid().ToString("D");
                var body = Encoding.UTF8.GetBytes(WebhookPayload.Build(notification, deliveryId, time.GetUtcNow()).ToJsonString());
        var signature = WebhookSignature.Compute(settings.Secret, body);
        return http.PostAsync(
            IntegrationsHttpClients.Webhook,
            target,
            url,
            body,
            headers =>
            {
                headers.Add(WebhookSignature.SignatureHeader, signature);
                headers.Add(WebhookSignature.EventHeader, notification.Event);
                headers.Add(WebhookSignature.DeliveryHeader, deliveryId);
            },
            cancellationToken);
    }
}
