using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OpsFunctions.Integrations.Http;
using OpsFunctions.Integrations.Webhook;

namespace OpsFunctions.Integrations.Traffic;

/// <summary>
/// Posts the weights as JSON, <c>{"service","backends":[{"address","weight","drained"}]}</c>, to the target's
/// webhook through the resilient <see cref="IntegrationsHttpClients.Traffic"/> client; any 2xx applies it. With
/// <c>Traffic:Http:Secret</c> set the body is signed as the generic webhook's are (<see cref="WebhookSignature"/>).
/// Retries resend the same bytes and delivery id: the body is the whole state, so a repeat does no harm.
/// </summary>
internal sealed class HttpTrafficProvider(IHttpClientFactory clients, IOptionsMonitor<HttpTrafficOptions> options, TimeProvider time)
{
    public const string EventName = "traffic.weights";

    public async Task<TrafficChange> ApplyAsync(TrafficTarget target, IReadOnlyList<TrafficBackend> backends, CancellationToken cancellationToken)
    {
        var url = new Uri(target.WebhookUrl!);

        // The path and query may carry a token: only the scheme and host go into the timeline.
        var what = $"weights of {target.Upstream} posted to {url.GetLeftPart(UriPartial.Authority)} ({NginxUpstream.Describe(backends)})";
        var body = Encoding.UTF8.GetBytes(Payload(target.Upstream, backends).ToJsonString());
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url);
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.Add(WebhookSignature.EventHeader, EventName);
            request.Headers.Add(WebhookSignature.DeliveryHeader, Guid.NewGuid().ToString("D"));
            if (options.CurrentValue.Secret is { Length: > 0 } secret)
            {
                request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Compute(secret, body));
            }

            using var client = clients.CreateClient(IntegrationsHttpClients.Traffic);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            var excerpt = await HttpDelivery.ReadExcerptAsync(response.Content, time, cancellationToken).ConfigureAwait(false);
            var answer = excerpt.Length > 0 ? $"{status}: {excerpt}" : status;
            return response.IsSuccessStatusCode
                ? new TrafficChange(true, $"{what}: {answer}")
                : new TrafficChange(false, what, answer);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            return new TrafficChange(false, what, OutboundFailure.Describe(exception, url.Authority, out _));
        }
    }

    internal static JsonObject Payload(string service, IReadOnlyList<TrafficBackend> backends)
    {
        var list = new JsonArray();
        foreach (var backend in backends)
        {
            list.Add(new JsonObject { ["address"] = backend.Address, ["weight"] = backend.Weight, ["drained"] = backend.Drained });
        }

        return new JsonObject { ["service"] = service, ["backends"] = list };
    }
}
