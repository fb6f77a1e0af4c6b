using System.Text.Json.Nodes;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Integrations.Tests.Support;
using OpsFunctions.Testing.Http;

namespace OpsFunctions.Integrations.Tests;

public sealed class TeamsTests
{
    [Fact]
    public async Task SendAsync_Escalated_PostsAnAdaptiveCardInTheMessageAttachmentsShape()
    {
        await using var teams = await LoopbackReceiver.StartAsync();
        var settings = TestServices.FastSettings();
        settings["Notifications:Teams:Webhooks:sre"] = teams.Url("/webhookb2/sre-token").AbsoluteUri;
        await using var services = TestServices.Create(settings);
        var notification = TestServices.Triggered() with { Event = "incident.escalated", Status = "Escalated", SourceUrl = null };

        var result = await services.Sender().SendAsync(ChannelTarget.Teams("sre"), notification, TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.Equal("sre", result.Target);
        var request = Assert.Single(teams.Requests);
        Assert.Equal("/webhookb2/sre-token", request.Path);
        var expected = JsonNode.Parse("""
            {
              "type": "message",
              "attachments": [
                {
                  "contentType": "application/vnd.microsoft.card.adaptive",
                  "contentUrl": null,
                  "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                      { "type": "TextBlock", "text": "[Critical] Escalated: Checkout latency above 2 s", "size": "Large", "weight": "Bolder", "style": "heading", "color": "Attention", "wrap": true },
                      { "type": "TextBlock", "text": "p99 latency of checkout is 3.4 s for 5 minutes.", "wrap": true },
                      {
                        "type": "FactSet",
                        "facts": [
                          { "title": "Severity", "value": "Critical" },
                          { "title": "Service", "value": "checkout" },
                          { "title": "Level", "value": "L1" }
                        ]
                      }
                    ],
                    "actions": [
                      { "type": "Action.OpenUrl", "title": "Acknowledge", "url": "https://ops.example.com/api/approvals/ack-token" },
                      { "type": "Action.OpenUrl", "title": "Resolve", "url": "https://ops.example.com/api/approvals/resolve-token" }
                    ]
                  }
                }
              ]
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, request.Json), request.BodyText);
    }

    [Fact]
    public async Task SendAsync_WebhookUrlAsAddress_PostsThereAndRedactsItsPath()
    {
        await using var teams = await LoopbackReceiver.StartAsync();
        await using var services = TestServices.Create(TestServices.FastSettings());
        var url = teams.Url("/webhookb2/secret-path-token").AbsoluteUri;

        var result = await services.Sender().SendAsync(ChannelTarget.Teams(url), TestServices.Resolved(), TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.DoesNotContain("secret-path-token", result.Target, StringComparison.Ordinal);
        Assert.Equal($"http://{teams.BaseAddress.Authority}/…", result.Target);
        var card = Assert.Single(teams.Requests).Json["attachments"]![0]!["content"]!;
        Assert.Equal(["View source"], card["actions"]!.AsArray().Select(a => a!["title"]!.GetValue<string>()));
        Assert.Equal("Good", card["body"]![0]!["color"]!.GetValue<string>());
    }
}
