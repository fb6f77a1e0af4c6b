using System.Text.Json;
using OpsFunctions.Integrations.Diagnostics;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Integrations.Tests.Support;

namespace OpsFunctions.Integrations.Tests;

/// <summary>The records cross activity boundaries, so they must survive the engine's JSON (web defaults).</summary>
public sealed class SerializationTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Notification_RoundTrips_WithEnumsAsText()
    {
        var notification = TestServices.Triggered() with { MarkdownBody = "# Report" };

        var json = JsonSerializer.Serialize(notification, Web);
        var back = JsonSerializer.Deserialize<Notification>(json, Web)!;

        Assert.Contains("\"alert\":\"Trigger\"", json, StringComparison.Ordinal);
        Assert.Contains("\"tone\":\"Alert\"", json, StringComparison.Ordinal);
        Assert.Contains("\"style\":\"Primary\"", json, StringComparison.Ordinal);
        Assert.Equal(notification.Fields, back.Fields);
        Assert.Equal(notification.Links, back.Links);
        Assert.Equal(notification with { Fields = back.Fields, Links = back.Links }, back);
        Assert.Equal("opsfunctions-INC-42", back.DedupKey);
    }

    [Fact]
    public void ChannelTargetAndDeliveryResult_RoundTrip()
    {
        var target = ChannelTarget.Email("oncall@example.com");
        var result = new DeliveryResult { Channel = ChannelKind.Slack, Target = "ops", Success = false, StatusCode = 503, Error = "HTTP 503", Attempts = 3, Duration = TimeSpan.FromMilliseconds(120) };

        Assert.Equal(target, JsonSerializer.Deserialize<ChannelTarget>(JsonSerializer.Serialize(target, Web), Web));
        Assert.Equal(result, JsonSerializer.Deserialize<DeliveryResult>(JsonSerializer.Serialize(result, Web), Web));
        Assert.Contains("\"kind\":\"Email\"", JsonSerializer.Serialize(target, Web), StringComparison.Ordinal);
    }

    [Fact]
    public void PrometheusQueryResult_WithNaN_RoundTrips()
    {
        var result = new PrometheusQueryResult
        {
            Query = "up",
            Success = true,
            ResultType = "vector",
            Samples = [new PrometheusSample(new Dictionary<string, string> { ["job"] = "api" }, DateTimeOffset.FromUnixTimeSeconds(1), double.NaN) { RawValue = "NaN" }],
        };

        var back = JsonSerializer.Deserialize<PrometheusQueryResult>(JsonSerializer.Serialize(result, Web), Web)!;

        Assert.True(double.IsNaN(Assert.Single(back.Samples).Value));
        Assert.Equal("api", back.Samples[0].Labels["job"]);
        Assert.True(back.Success);
    }
}
