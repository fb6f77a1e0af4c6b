using System.Text.Json.Nodes;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Integrations.Tests.Support;
using OpsFunctions.Testing.Http;

namespace OpsFunctions.Integrations.Tests;

public sealed class SlackTests
{
    [Fact]
    public async Task SendAsync_Triggered_PostsBlockKitMessageToTheChannelsWebhook()
    {
        await using var slack = await LoopbackReceiver.StartAsync();
        var settings = TestServices.FastSettings();
        settings["Notifications:Slack:Channels:ops-critical"] = slack.Url("/services/T000/B000/critical-token").AbsoluteUri;
        settings["Notifications:Slack:DefaultWebhookUrl"] = slack.Url("/services/T000/B000/default-token").AbsoluteUri;
        await using var services = TestServices.Create(settings);

        var result = await services.Sender().SendAsync(ChannelTarget.Slack("#ops-critical"), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.Equal(ChannelKind.Slack, result.Channel);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(1, result.Attempts);
        var request = Assert.Single(slack.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/services/T000/B000/critical-token", request.Path);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        var expected = JsonNode.Parse("""
            {
              "text": "[Critical] Triggered: Checkout latency above 2 s",
              "blocks": [
                { "type": "header", "text": { "type": "plain_text", "text": ":rotating_light: [Critical] Triggered: Checkout latency above 2 s", "emoji": true } },
                {
                  "type": "section",
                  "text": { "type": "mrkdwn", "text": "p99 latency of checkout is 3.4 s for 5 minutes." },
                  "fields": [
                    { "type": "mrkdwn", "text": "*Severity*\nCritical" },
                    { "type": "mrkdwn", "text": "*Service*\ncheckout" },
                    { "type": "mrkdwn", "text": "*Level*\nL1" }
                  ]
                },
                {
                  "type": "actions",
                  "elements": [
                    { "type": "button", "text": { "type": "plain_text", "text": "Acknowledge", "emoji": true }, "url": "https://ops.example.com/api/approvals/ack-token", "action_id": "acknowledge", "style": "primary" },
                    { "type": "button", "text": { "type": "plain_text", "text": "Resolve", "emoji": true }, "url": "https://ops.example.com/api/approvals/resolve-token", "action_id": "resolve", "style": "danger" },
                    { "type": "button", "text": { "type": "plain_text", "text": "View source", "emoji": true }, "url": "https://prometheus.example.com/graph?g0.expr=latency", "action_id": "view_source" }
                  ]
                },
                { "type": "context", "elements": [ { "type": "mrkdwn", "text": "OpsFunctions · INC-42" } ] }
              ]
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, request.Json), request.BodyText);
    }

    [Fact]
    public async Task SendAsync_ReportWithMarkdown_AddsTheBodyAndOffersNoAcknowledgeOrResolve()
    {
        await using var slack = await LoopbackReceiver.StartAsync();
        var settings = TestServices.FastSettings();
        settings["Notifications:Slack:DefaultWebhookUrl"] = slack.Url("/hook").AbsoluteUri;
        await using var services = TestServices.Create(settings);
        var report = TestServices.Report() with
        {
            MarkdownBody = "# Incident INC-42\n**Time to resolve:** 42 min\n- 05:00 triggered <L1>",
        };

        var result = await services.Sender().SendAsync(ChannelTarget.Slack("unmapped-channel"), report, TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        var blocks = Assert.Single(slack.Requests).Json["blocks"]!.AsArray();
        Assert.Equal(
            "*Incident INC-42*\n*Time to resolve:* 42 min\n- 05:00 triggered &lt;L1&gt;",
            blocks[2]!["text"]!["text"]!.GetValue<string>());
        var buttons = blocks.Single(b => b!["type"]!.GetValue<string>() == "actions")!["elements"]!.AsArray();
        Assert.Equal(["View source"], buttons.Select(b => b!["text"]!["text"]!.GetValue<string>()));
    }

    [Fact]
    public async Task SendAsync_ChannelWithoutWebhookAndNoDefault_FailsWithoutSendingAndNamesTheKey()
    {
        await using var services = TestServices.Create(TestServices.FastSettings());

        var result = await services.Sender().SendAsync(ChannelTarget.Slack("#nowhere"), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Equal(0, result.Attempts);
        Assert.Contains("Notifications:Slack:Channels:nowhere", result.Error, StringComparison.Ordinal);
        Assert.False(result.Transient);
    }

    [Fact]
    public void Escape_ReservedCharacters_AreEntityEncoded()
    {
        Assert.Equal("a &amp; b &lt;c&gt;", Slack.SlackMessage.Escape("a & b <c>"));
    }
}
