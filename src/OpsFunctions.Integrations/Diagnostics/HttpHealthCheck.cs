using OpsFunctions.Integrations.Http;

namespace OpsFunctions.Integrations.Diagnostics;

/// <summary>A health check to run: GET <see cref="Url"/>, healthy when it answers <see cref="ExpectedStatus"/> within <see cref="Timeout"/>.</summary>
public sealed record HealthCheckRequest(Uri Url)
{
    public const int DefaultExpectedStatus = 200;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Gets the status that counts as healthy.</summary>
    /// <value>200.</value>
    public int ExpectedStatus { get; init; } = DefaultExpectedStatus;

    /// <summary>Gets how long the check waits for the response headers and the body excerpt.</summary>
    /// <value>5 s.</value>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;
}

/// <summary>What a health check found; the URL is shown without its query string, which may hold a key.</summary>
public sealed record HealthCheckResult
{
    public required string Url { get; init; }

    public required bool Healthy { get; init; }

    public int? StatusCode { get; init; }

    public TimeSpan Latency { get; init; }

    /// <summary>Gets the start of the response body, on one line.</summary>
    public string BodyExcerpt { get; init; } = "";

    /// <summary>Gets why the check failed: an unexpected status, a timeout, a network error.</summary>
    public string? Error { get; init; }

    public string Describe() => Healthy
        ? $"{Url}: healthy ({StatusCode}) in {Latency.TotalMilliseconds:0} ms"
        : $"{Url}: unhealthy in {Latency.TotalMilliseconds:0} ms: {Error}";
}

/// <summary>Runs HTTP health checks for the incident runbook.</summary>
public interface IHttpHealthCheck
{
    /// <summary>Runs one check; failures are results, only cancellation of <paramref name="cancellationToken"/> throws.</summary>
    Task<HealthCheckResult> CheckAsync(HealthCheckRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// GETs a URL once (a health check measures; it does not retry) and reports status, latency and a body excerpt.
/// </summary>
public sealed class HttpHealthCheck(IHttpClientFactory clients, TimeProvider time) : IHttpHealthCheck
{
    public async Task<HealthCheckResult> CheckAsync(HealthCheckRequest request, CancellationToken cancellationToken)
    {
        var shown = request.Url.GetLeftPart(UriPartial.Path);
        var started = time.GetTimestamp();
        using var timeout = new CancellationTokenSource(request.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        int? status = null;
        try
        {
            using var client = clients.CreateClient(IntegrationsHttpClients.HealthCheck);
            using var response = await client.GetAsync(request.Url, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            var latency = time.GetElapsedTime(started);
            var excerpt = await HttpDelivery.ReadExcerptAsync(response.Content, time, linked.Token).ConfigureAwait(false);
            var healthy = status == request.ExpectedStatus;
            return new HealthCheckResult
            {
                Url = shown,
                Healthy = healthy,
                StatusCode = status,
                Latency = latency,
                BodyExcerpt = excerpt,
                Error = healthy ? null : $"expected HTTP {request.ExpectedStatus}, got {status} {response.ReasonPhrase}",
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return Failed(shown, status, started, $"timed out after {request.Timeout.TotalSeconds:0.###} s");
        }
        catch (Exception exception)
        {
            return Failed(shown, status, started, OutboundFailure.Describe(exception, request.Url.Authority, out _));
        }
    }

    private HealthCheckResult Failed(string url, int? status, long started, string error) => new()
    {
        Url = url,
        Healthy = false,
        StatusCode = status,
        Latency = time.GetElapsedTime(started),
        Error = error,
    };
}
