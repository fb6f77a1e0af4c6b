namespace OpsFunctions.Integrations.Notifications;

/// <summary>Builds the results of deliveries that did not happen or did not succeed.</summary>
internal static class DeliveryFailure
{
    public static DeliveryResult NotSent(ChannelTarget target, string reason) => new()
    {
        Channel = target.Kind,
        Target = target.Redacted(),
        Success = false,
        Error = reason,
        Attempts = 0,
    };

    public static DeliveryResult Skipped(ChannelTarget target, string note) => new()
    {
        Channel = target.Kind,
        Target = target.Redacted(),
        Success = true,
        Note = note,
        Attempts = 0,
    };
}
