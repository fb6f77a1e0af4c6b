using Azure.Core;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// The retries every client of the account uses, the engine's and the host's own: exponential from 0.1 s to 5 s,
/// 6 tries, on throttling (503), server errors and network failures.
/// </summary>
public static class StorageRetries
{
    /// <summary>Sets the retry options of <paramref name="options"/>.</summary>
    /// <typeparam name="T">The client's options type.</typeparam>
    /// <param name="options">The options to set.</param>
    /// <returns><paramref name="options"/>.</returns>
    public static T Apply<T>(T options)
        where T : ClientOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 6;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(5);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return options;
    }
}
