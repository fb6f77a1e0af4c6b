using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Integrations.Tests.Support;
using OpsFunctions.Integrations.Traffic;
using OpsFunctions.Integrations.Webhook;
using OpsFunctions.Testing.Http;

namespace OpsFunctions.Integrations.Tests.Traffic;

public sealed class HttpTrafficProviderTests
{
    private const string Secret = "traffic-secret-0123456789abcdef";

    private static readonly TrafficBackend[] CanaryAtFive = [new("10.0.0.1:8080", 95), new("10.0.0.2:8080", 5), new("10.0.0.3:8080", 0, Drained: true)];

    [Fact]
    public async Task ApplyAsync_Http_PostsTheBackendsAsJsonAndSucceedsOn2xx()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.RespondWith(202, """{"applied":true}""");
        await using var services = TestServices.Create(TestServices.FastSettings());

        var change = await Router(services).ApplyAsync(Target(receiver, "/lb/weights?token=abc"), CanaryAtFive, TestContext.Current.CancellationToken);

        Assert.True(change.Success, change.Error);
        Assert.Null(change.Error);
        Assert.Equal(
            $"weights of checkout posted to {receiver.BaseAddress.GetLeftPart(UriPartial.Authority)} (10.0.0.1:8080 95 %, 10.0.0.2:8080 5 %, 10.0.0.3:8080 drained): HTTP 202 Accepted: {{\"applied\":true}}",
            change.Detail);
        Assert.DoesNotContain("token", change.Detail, StringComparison.Ordinal);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/lb/weights", request.Path);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("traffic.weights", request.Headers[WebhookSignature.EventHeader]);
        Assert.False(request.Headers.ContainsKey(WebhookSignature.SignatureHeader));
        var expected = JsonNode.Parse("""
            {
              "service": "checkout",
              "backends": [
                { "address": "10.0.0.1:8080", "weight": 95, "drained": false },
                { "address": "10.0.0.2:8080", "weight": 5, "drained": false },
                { "address": "10.0.0.3:8080", "weight": 0, "drained": true }
              ]
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, request.Json), request.BodyText);
    }

    [Fact]
    public async Task ApplyAsync_SecretConfigured_SignsTheRawBody()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var settings = TestServices.FastSettings();
        settings["Traffic:Http:Secret"] = Secret;
        await using var services = TestServices.Create(settings);

        var change = await Router(services).ApplyAsync(Target(receiver), CanaryAtFive, TestContext.Current.CancellationToken);

        Assert.True(change.Success, change.Error);
        var request = Assert.Single(receiver.Requests);
        Assert.True(WebhookSignature.Verify(Secret, request.Body, request.Headers[WebhookSignature.SignatureHeader]));
    }

    [Fact]
    public async Task ApplyAsync_ServerError_RetriesThenFailsWithTheStatusAndBody()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.RespondWith(500, "pool checkout is locked by another change", "text/plain");
        await using var services = TestServices.Create(TestServices.FastSettings());

        var change = await Router(services).ApplyAsync(Target(receiver), CanaryAtFive, TestContext.Current.CancellationToken);

        Assert.False(change.Success);
        Assert.Equal("HTTP 500 Internal Server Error: pool checkout is locked by another change", change.Error);
        Assert.StartsWith("weights of checkout posted to ", change.Detail, StringComparison.Ordinal);
        Assert.Equal(3, receiver.Requests.Count);
        Assert.Single(receiver.Requests.Select(r => r.Headers[WebhookSignature.DeliveryHeader]).Distinct());
    }

    [Fact]
    public async Task ApplyAsync_OneServerErrorThenOk_SucceedsOnTheRetry()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.FailNext(1, 503);
        await using var services = TestServices.Create(TestServices.FastSettings());

        var change = await Router(services).ApplyAsync(Target(receiver), CanaryAtFive, TestContext.Current.CancellationToken);

        Assert.True(change.Success, change.Error);
        Assert.Equal(2, receiver.Requests.Count);
    }

    [Fact]
    public async Task ApplyAsync_ClientError_FailsAtOnceWithTheStatus()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.RespondWith(422, """{"error":"unknown service"}""");
        await using var services = TestServices.Create(TestServices.FastSettings());

        var change = await Router(services).ApplyAsync(Target(receiver), CanaryAtFive, TestContext.Current.CancellationToken);

        Assert.False(change.Success);
        Assert.Equal("HTTP 422 Unprocessable Entity: {\"error\":\"unknown service\"}", change.Error);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task ApplyAsync_NobodyListening_FailsWithANetworkError()
    {
        using var closed = LoopbackPort.Closed();
        var settings = TestServices.FastSettings();
        settings["Traffic:Resilience:MaxRetryAttempts"] = "0";
        await using var services = TestServices.Create(settings);
        var target = new TrafficTarget { Provider = TrafficProviderKind.Http, Upstream = "checkout", WebhookUrl = $"http://127.0.0.1:{closed.Port}/weights" };

        var change = await Router(services).ApplyAsync(target, CanaryAtFive, TestContext.Current.CancellationToken);

        Assert.False(change.Success);
        Assert.StartsWith("network error: ConnectionError", change.Error, StringComparison.Ordinal);
    }

    private static ITrafficRouter Router(ServiceProvider services) => services.GetRequiredService<ITrafficRouter>();

    private static TrafficTarget Target(LoopbackReceiver receiver, string path = "/weights") =>
        new() { Provider = TrafficProviderKind.Http, Upstream = "checkout", WebhookUrl = receiver.Url(path).AbsoluteUri };
}
