using Polly.CircuitBreaker;
using Polly.Timeout;

namespace OpsFunctions.Integrations.Http;

/// <summary>Turns what an outbound call threw into a timeline line, naming the host but never the path or query.</summary>
internal static class OutboundFailure
{
    /// <summary>Describes <paramref name="exception"/>; <paramref name="transient"/> tells whether trying later may succeed.</summary>
    public static string Describe(Exception exception, string authority, out bool transient)
    {
        transient = true;
        switch (exception)
        {
            case BrokenCircuitException:
                return $"circuit open for {authority}: recent attempts failed, so this one was not sent";
            case TimeoutRejectedException timeout:
                return $"timed out after {timeout.Timeout.TotalSeconds:0.###} s";
            case HttpRequestException http:
                return $"network error: {http.HttpRequestError}{(http.InnerException is { } inner ? $" ({inner.Message})" : "")}";
            default:
                transient = false;
                return $"{exception.GetType().Name}: {exception.Message}";
        }
    }
}
