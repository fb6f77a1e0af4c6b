namespace OpsFunctions.Integrations.Notifications;

/// <summary>Dispatches each target to its channel's sender and records the outcome.</summary>
internal sealed partial class NotificationSender : INotificationSender
{
    private readonly Dictionary<ChannelKind, IChannelSender> _channels;
    private readonly TimeProvider _time;
    private readonly ILogger<NotificationSender> _logger;

    public NotificationSender(IEnumerable<IChannelSender> channels, TimeProvider time, ILogger<NotificationSender> logger)
    {
        // The last registration of a kind wins, so a host (or a test) can replace one channel's sender.
        _channels = channels.GroupBy(c => c.Kind).ToDictionary(g => g.Key, g => g.Last());
        _time = time;
        _logger = logger;
    }

    public async Task<DeliveryResult> SendAsync(ChannelTarget target, Notification notification, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        DeliveryResult result;
        if (!_channels.TryGetValue(target.Kind, out var channel))
        {
            result = DeliveryFailure.NotSent(target, $"no sender is registered for channel {target.Kind}");
        }
        else if (string.IsNullOrWhiteSpace(target.Address))
        {
            result = DeliveryFailure.NotSent(target, "the target has no address");
        }
        else
        {
            try
            {
                result = await channel.SendAsync(target, notification, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception)
            {
                // Senders turn their own failures into results; this is the net under a bug in one of them.
                result = DeliveryFailure.NotSent(target, $"{exception.GetType().Name}: {exception.Message}") with { Duration = _time.GetElapsedTime(started) };
            }
        }

        if (result.Success)
        {
            LogDelivered(target.Kind, result.Target, notification.Event, notification.Correlation, result.Attempts, (long)result.Duration.TotalMilliseconds);
        }
        else
        {
            LogFailed(target.Kind, result.Target, notification.Event, notification.Correlation, result.Attempts, result.Error);
        }

        return result;
    }

    public async Task<IReadOnlyList<DeliveryResult>> SendAllAsync(IEnumerable<ChannelTarget> targets, Notification notification, CancellationToken cancellationToken)
    {
        var sends = targets.Select(target => SendConcurrentlyAsync(target, notification, cancellationToken)).ToList();
        return await Task.WhenAll(sends).ConfigureAwait(false);
    }

    private async Task<DeliveryResult> SendConcurrentlyAsync(ChannelTarget target, Notification notification, CancellationToken cancellationToken)
    {
        // Leave the caller's thread at once, so a sender that does work before its first await holds up no other channel.
        await Task.Yield();
        return await SendAsync(target, notification, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(6000, LogLevel.Information, "Notification {Event} ({Correlation}) delivered on {Channel} {Target} after {Attempts} attempt(s) in {ElapsedMilliseconds} ms")]
    private partial void LogDelivered(ChannelKind channel, string target, string @event, string? correlation, int attempts, long elapsedMilliseconds);

    [LoggerMessage(6001, LogLevel.Warning, "Notification {Event} ({Correlation}) failed on {Channel} {Target} after {Attempts} attempt(s): {Reason}")]
    private partial void LogFailed(ChannelKind channel, string target, string @event, string? correlation, int attempts, string? reason);
}
