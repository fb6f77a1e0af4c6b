using System.Text.Json.Nodes;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Integrations.Tests.Support;
using OpsFunctions.Integrations.Webhook;
using OpsFunctions.Testing.Http;

namespace OpsFunctions.Integrations.Tests;

public sealed class WebhookTests
{
    [Fact]
    public async Task SendAsync_Triggered_PostsJsonSignedOverTheRawBody()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        await using var services = TestServices.Create(TestServices.FastSettings());

        var result = await services.Sender().SendAsync(ChannelTarget.Webhook(receiver.Url("/hooks/ops").AbsoluteUri), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/hooks/ops", request.Path);
        Assert.True(WebhookSignature.Verify(TestServices.WebhookSecret, request.Body, request.Headers[WebhookSignature.SignatureHeader]));
        Assert.False(WebhookSignature.Verify("another-secret-0123456789", request.Body, request.Headers[WebhookSignature.SignatureHeader]));
        Assert.Matches("^sha256=[0-9a-f]{64}$", request.Headers[WebhookSignature.SignatureHeader]);
        Assert.Equal("incident.triggered", request.Headers[WebhookSignature.EventHeader]);
        var deliveryId = request.Headers[WebhookSignature.DeliveryHeader];
        Assert.True(Guid.TryParse(deliveryId, out _));
        var expected = JsonNode.Parse($$"""
            {
              "event": "incident.triggered",
              "deliveryId": "{{deliveryId}}",
              "correlation": "INC-42",
              "dedupKey": "opsfunctions-INC-42",
              "status": "Triggered",
              "title": "Checkout latency above 2 s",
              "severity": "Critical",
              "summary": "p99 latency of checkout is 3.4 s for 5 minutes.",
              "markdownBody": null,
              "source": "prometheus/checkout",
              "occurredAt": "2026-11-23T05:00:00.0000000+00:00",
              "fields": { "Service": "checkout", "Level": "L1" },
              "links": [
                { "label": "Acknowledge", "url": "https://ops.example.com/api/approvals/ack-token" },
                { "label": "Resolve", "url": "https://ops.example.com/api/approvals/resolve-token" },
                { "label": "View source", "url": "https://prometheus.example.com/graph?g0.expr=latency" }
              ]
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, request.Json), request.BodyText);
    }

    [Fact]
    public async Task SendAsync_Retried_ResendsTheSameBytesSignatureAndDeliveryId()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.FailNext(2);
        var settings = TestServices.FastSettings();
        settings["Notifications:Webhook:Endpoints:audit"] = receiver.Url("/audit").AbsoluteUri;
        await using var services = TestServices.Create(settings);

        var result = await services.Sender().SendAsync(ChannelTarget.Webhook("audit"), TestServices.Resolved(), TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.Equal(3, result.Attempts);
        var requests = receiver.Requests;
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal(requests[0].Body, r.Body));
        Assert.Single(requests.Select(r => r.Headers[WebhookSignature.DeliveryHeader]).Distinct());
        Assert.Single(requests.Select(r => r.Headers[WebhookSignature.SignatureHeader]).Distinct());
        Assert.Equal("incident.resolved", requests[0].Headers[WebhookSignature.EventHeader]);
    }

    [Fact]
    public async Task SendAsync_NoSecretConfigured_FailsWithoutSending()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var settings = TestServices.FastSettings();
        settings.Remove("Notifications:Webhook:Secret");
        await using var services = TestServices.Create(settings);

        var result = await services.Sender().SendAsync(ChannelTarget.Webhook(receiver.Url("/hooks").AbsoluteUri), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Contains("Notifications:Webhook:Secret", result.Error, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public void Compute_KnownVector_MatchesAnIndependentHmac()
    {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), the well-known test vector.
        var signature = WebhookSignature.Compute("key", "The quick brown fox jumps over the lazy dog"u8);

        Assert.Equal("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8", signature);
    }
}
