using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpsFunctions.Testing.Alerting;

namespace OpsFunctions.Host.Tests;

/// <summary>
/// The real Alertmanager the incident tests drive: installed and started by the project's script, posting webhook
/// payloads of version 4 with the fields the host reads, firing then resolved.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class AlertmanagerFixtureTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Alertmanager_FiringThenResolvedAlert_PostsBothToTheReceiverWithTheBearerToken()
    {
        var received = Channel.CreateUnbounded<(string? Authorization, JsonNode Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        await using var receiver = builder.Build();
        receiver.MapPost("/hook", async (HttpRequest request) =>
        {
            var body = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            await received.Writer.WriteAsync((request.Headers.Authorization.ToString(), body!), request.HttpContext.RequestAborted);
            return Results.Ok();
        });
        await receiver.StartAsync(Cancellation);
        await using var alertmanager = await AlertmanagerProcess.StartAsync(new Uri($"{receiver.Urls.First()}/hook"), bearerToken: "am-token");
        var labels = new Dictionary<string, string> { ["alertname"] = "HighErrorRate", ["service"] = "checkout", ["severity"] = "critical" };

        await alertmanager.PostAlertsAsync([AlertmanagerProcess.Alert(labels, new Dictionary<string, string> { ["summary"] = "5xx above 5%" })], Cancellation);
        var firing = await NextAsync(received, "firing");
        await alertmanager.PostAlertsAsync([AlertmanagerProcess.Alert(labels, endsAt: TimeProvider.System.GetUtcNow().AddSeconds(-1))], Cancellation);
        var resolved = await NextAsync(received, "resolved");

        Assert.Equal("Bearer am-token", firing.Authorization);
        Assert.Equal("4", (string?)firing.Body["version"]);
        Assert.Equal(AlertmanagerProcess.ReceiverName, (string?)firing.Body["receiver"]);
        Assert.False(string.IsNullOrEmpty((string?)firing.Body["groupKey"]));
        Assert.Equal((string?)firing.Body["groupKey"], (string?)resolved.Body["groupKey"]);
        var alert = firing.Body["alerts"]![0]!;
        Assert.Equal("checkout", (string?)alert["labels"]!["service"]);
        Assert.Equal("5xx above 5%", (string?)alert["annotations"]!["summary"]);
        Assert.False(string.IsNullOrEmpty((string?)alert["fingerprint"]));
        Assert.Equal((string?)alert["fingerprint"], (string?)resolved.Body["alerts"]![0]!["fingerprint"]);
    }

    /// <summary>Reads webhooks until one with <paramref name="status"/> arrives: Alertmanager may repeat the previous one.</summary>
    private static async Task<(string? Authorization, JsonNode Body)> NextAsync(Channel<(string? Authorization, JsonNode Body)> received, string status)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var webhook = await received.Reader.ReadAsync(limit.Token);
            if ((string?)webhook.Body["status"] == status)
            {
                return webhook;
            }
        }
    }
}
