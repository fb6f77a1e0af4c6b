using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OpsFunctions.Integrations.Notifications;

namespace OpsFunctions.Integrations.Http;

/// <summary>
/// Posts a channel's JSON through its resilient client and turns the outcome into a <see cref="DeliveryResult"/>:
/// the status, the attempts made, and for a failure a reason fit for a timeline (never the URL, which may hold a token).
/// </summary>
internal sealed class HttpDelivery(IHttpClientFactory clients, TimeProvider time)
{
    public const int ExcerptLength = 200;
    public static readonly TimeSpan ExcerptTimeout = TimeSpan.FromSeconds(5);

    public Task<DeliveryResult> PostJsonAsync(
        string clientName, ChannelTarget target, Uri url, JsonNode payload, CancellationToken cancellationToken) =>
        PostAsync(clientName, target, url, Encoding.UTF8.GetBytes(payload.ToJsonString()), headers: null, cancellationToken);

    public async Task<DeliveryResult> PostAsync(
        string clientName,
        ChannelTarget target,
        Uri url,
        byte[] body,
        Action<HttpRequestHeaders>? headers,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var counter = new AttemptCounter();
        int? status = null;
        string? error;
        var transient = true;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url);
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            headers?.Invoke(request.Headers);
            request.Options.Set(AttemptCounter.Key, counter);

            using var client = clients.CreateClient(clientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return Result(target, success: true, status, error: null, transient: false, counter, started);
            }

            var excerpt = await ReadExcerptAsync(response.Content, time, cancellationToken).ConfigureAwait(false);
            error = $"HTTP {status} {response.ReasonPhrase}{(excerpt.Length > 0 ? $": {excerpt}" : "")}";
            transient = IsTransient(status.Value);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            error = OutboundFailure.Describe(exception, url.Authority, out transient);
        }

        return Result(target, success: false, status, error, transient, counter, started);
    }

    /// <summary>Reads the start of a response body, one line, for an error message.</summary>
    /// <remarks>Waits at most <see cref="ExcerptTimeout"/>: a server may send its headers and then stall.</remarks>
    public static async Task<string> ReadExcerptAsync(HttpContent content, TimeProvider time, CancellationToken cancellationToken)
    {
        var buffer = new byte[ExcerptLength * 4];
        using var deadline = new CancellationTokenSource(ExcerptTimeout, time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var stream = await content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, timeout.Token).ConfigureAwait(false);
                return Excerpt(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "(the body did not arrive in time)";
        }
    }

    public static string Excerpt(string text)
    {
        var line = string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length <= ExcerptLength ? line : string.Concat(line.AsSpan(0, ExcerptLength), "…");
    }

    /// <summary>The statuses the retry strategy retries: a server error, a request timeout, throttling.</summary>
    public static bool IsTransient(int status) => status >= 500 || status == 408 || status == 429;

    private DeliveryResult Result(ChannelTarget target, bool success, int? status, string? error, bool transient, AttemptCounter counter, long started) => new()
    {
        Channel = target.Kind,
        Target = target.Redacted(),
        Success = success,
        StatusCode = status,
        Error = error,
        Transient = transient,
        Attempts = counter.Count,
        Duration = time.GetElapsedTime(started),
    };
}
