namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// Visibility timeouts as Azure Queues take them: whole seconds. The service drops the fraction, so a message hidden
/// for 0.8 s shows again at once; rounding up keeps every hide at least as long as asked.
/// </summary>
internal static class QueueVisibility
{
    public static TimeSpan RoundUp(TimeSpan visibility)
        => visibility <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Ceiling(visibility.TotalSeconds));
}
