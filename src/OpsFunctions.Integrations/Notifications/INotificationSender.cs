namespace OpsFunctions.Integrations.Notifications;

/// <summary>Sends notifications to channels. A channel that fails is reported in the result, never thrown.</summary>
public interface INotificationSender
{
    /// <summary>Sends to one target; throws only <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.</summary>
    Task<DeliveryResult> SendAsync(ChannelTarget target, Notification notification, CancellationToken cancellationToken);

    /// <summary>Sends to every target at once, so a slow or down channel delays none of the others; results in target order.</summary>
    Task<IReadOnlyList<DeliveryResult>> SendAllAsync(IEnumerable<ChannelTarget> targets, Notification notification, CancellationToken cancellationToken);
}
