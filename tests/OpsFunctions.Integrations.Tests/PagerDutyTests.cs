using System.Text.Json.Nodes;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Integrations.PagerDuty;
using OpsFunctions.Integrations.Tests.Support;
using OpsFunctions.Testing.Http;

namespace OpsFunctions.Integrations.Tests;

public sealed class PagerDutyTests
{
    private const string RoutingKey = "R0123456789ABCDEF0123456789ABCDE";
    private const string Accepted = """{"status":"success","message":"Event processed","dedup_key":"opsfunctions-INC-42"}""";

    [Fact]
    public async Task SendAsync_Triggered_EnqueuesATriggerEventWithPayloadAndTheIncidentsDedupKey()
    {
        await using var pagerDuty = await LoopbackReceiver.StartAsync();
        pagerDuty.RespondWith(202, Accepted);
        await using var services = CreateSut(pagerDuty);

        var result = await services.Sender().SendAsync(ChannelTarget.PagerDuty(RoutingKey), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.Equal(202, result.StatusCode);
        Assert.Equal("routing key …BCDE", result.Target);
        var request = Assert.Single(pagerDuty.Requests);
        Assert.Equal("/v2/enqueue", request.Path);
        var expected = JsonNode.Parse($$"""
            {
              "routing_key": "{{RoutingKey}}",
              "event_action": "trigger",
              "dedup_key": "opsfunctions-INC-42",
              "payload": {
                "summary": "[Critical] Triggered: Checkout latency above 2 s: p99 latency of checkout is 3.4 s for 5 minutes.",
                "severity": "critical",
                "source": "prometheus/checkout",
                "timestamp": "2026-11-23T05:00:00.000Z",
                "custom_details": { "event": "incident.triggered", "correlation": "INC-42", "Service": "checkout", "Level": "L1" }
              },
              "client": "OpsFunctions",
              "client_url": "https://prometheus.example.com/graph?g0.expr=latency",
              "links": [
                { "href": "https://ops.example.com/api/approvals/ack-token", "text": "Acknowledge" },
                { "href": "https://ops.example.com/api/approvals/resolve-token", "text": "Resolve" },
                { "href": "https://prometheus.example.com/graph?g0.expr=latency", "text": "View source" }
              ]
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, request.Json), request.BodyText);
    }

    [Theory]
    [InlineData(AlertAction.Acknowledge, "acknowledge")]
    [InlineData(AlertAction.Resolve, "resolve")]
    public async Task SendAsync_AcknowledgedOrResolved_SendsOnlyTheActionAndKeys(AlertAction alert, string action)
    {
        await using var pagerDuty = await LoopbackReceiver.StartAsync();
        pagerDuty.RespondWith(202, Accepted);
        await using var services = CreateSut(pagerDuty, ("Notifications:PagerDuty:RoutingKeys:payments", RoutingKey));

        var result = await services.Sender().SendAsync(ChannelTarget.PagerDuty("payments"), (alert == AlertAction.Resolve ? TestServices.Resolved() : TestServices.Acknowledged()), TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.Equal("payments", result.Target);
        var expected = new JsonObject { ["routing_key"] = RoutingKey, ["event_action"] = action, ["dedup_key"] = "opsfunctions-INC-42" };
        Assert.True(JsonNode.DeepEquals(expected, Assert.Single(pagerDuty.Requests).Json));
    }

    [Fact]
    public async Task SendAsync_Report_SucceedsWithoutSending()
    {
        await using var pagerDuty = await LoopbackReceiver.StartAsync();
        await using var services = CreateSut(pagerDuty);

        var result = await services.Sender().SendAsync(ChannelTarget.PagerDuty(RoutingKey), TestServices.Report(), TestContext.Current.CancellationToken);

        Assert.True(result.Success);
        Assert.Equal(0, result.Attempts);
        Assert.Contains("no event", result.Note, StringComparison.Ordinal);
        Assert.Empty(pagerDuty.Requests);
    }

    [Fact]
    public async Task SendAsync_BadRequest_IsNotRetriedAndReportsPagerDutysError()
    {
        await using var pagerDuty = await LoopbackReceiver.StartAsync();
        pagerDuty.RespondWith(400, """{"status":"invalid event","message":"Event object is invalid","errors":["Length of 'routing_key' is incorrect (should be 32 characters)"]}""");
        await using var services = CreateSut(pagerDuty);

        var result = await services.Sender().SendAsync(ChannelTarget.PagerDuty("short-key"), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Equal(400, result.StatusCode);
        Assert.Equal(1, result.Attempts);
        Assert.Single(pagerDuty.Requests);
        Assert.Contains("routing_key", result.Error, StringComparison.Ordinal);
        Assert.StartsWith("HTTP 400", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_TooManyRequests_IsRetried()
    {
        await using var pagerDuty = await LoopbackReceiver.StartAsync();
        pagerDuty.RespondWith(202, Accepted);
        pagerDuty.FailNext(1, 429);
        await using var services = CreateSut(pagerDuty);

        var result = await services.Sender().SendAsync(ChannelTarget.PagerDuty(RoutingKey), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, pagerDuty.Requests.Count);
    }

    [Theory]
    [InlineData("Critical", "critical")]
    [InlineData("High", "error")]
    [InlineData("error", "error")]
    [InlineData("Medium", "warning")]
    [InlineData("warning", "warning")]
    [InlineData("Low", "info")]
    [InlineData("info", "info")]
    [InlineData("", "error")]
    public void Severity_Text_MapsToPagerDutysFour(string severity, string expected)
    {
        Assert.Equal(expected, PagerDutyEvent.Severity(severity));
    }

    private static Microsoft.Extensions.DependencyInjection.ServiceProvider CreateSut(LoopbackReceiver pagerDuty, params (string Key, string Value)[] extra)
    {
        var settings = TestServices.FastSettings();
        settings["Notifications:PagerDuty:Endpoint"] = pagerDuty.BaseAddress.AbsoluteUri;
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return TestServices.Create(settings);
    }
}
