namespace OpsFunctions.Integrations.Notifications;

/// <summary>One channel's sender; <see cref="NotificationSender"/> picks it by <see cref="Kind"/>.</summary>
internal interface IChannelSender
{
    ChannelKind Kind { get; }

    /// <summary>Sends, turning every failure except cancellation into a failed result.</summary>
    Task<DeliveryResult> SendAsync(ChannelTarget target, Notification notification, CancellationToken cancellationToken);
}
