using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Integrations.Tests.Support;
using OpsFunctions.Testing.Http;

namespace OpsFunctions.Integrations.Tests;

public sealed class SecretLoggingTests
{
    [Fact]
    public async Task Sends_ThatSucceedAndFail_LeaveNoSecretInLogsOrResults()
    {
        const string slackToken = "slack-token-XYZ123";
        const string routingKey = "RKEY0123456789ABCDEF0123456789AB";
        const string smtpPassword = "smtp-password-123";
        await using var receiver = await LoopbackReceiver.StartAsync();
        await using var failing = await LoopbackReceiver.StartAsync();
        failing.RespondWith(503, "down", "text/plain");
        var settings = TestServices.FastSettings();
        settings["Notifications:Slack:Channels:ops"] = receiver.Url($"/services/{slackToken}").AbsoluteUri;
        settings["Notifications:Slack:Channels:down"] = failing.Url($"/services/{slackToken}").AbsoluteUri;
        settings["Notifications:PagerDuty:Endpoint"] = failing.BaseAddress.AbsoluteUri;
        settings["Notifications:Email:Host"] = "127.0.0.1";
        using var closed = LoopbackPort.Closed();
        settings["Notifications:Email:Port"] = closed.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Notifications:Email:TlsMode"] = "None";
        settings["Notifications:Email:From"] = "ops@example.com";
        settings["Notifications:Email:UserName"] = "ops";
        settings["Notifications:Email:Password"] = smtpPassword;
        await using var services = TestServices.Create(settings);

        var results = await services.Sender().SendAllAsync(
            [
                ChannelTarget.Slack("ops"),
                ChannelTarget.Slack("down"),
                ChannelTarget.Slack(receiver.Url($"/services/{slackToken}").AbsoluteUri),
                ChannelTarget.PagerDuty(routingKey),
                ChannelTarget.Webhook(failing.Url($"/hook?token={slackToken}").AbsoluteUri),
                ChannelTarget.Email("oncall@example.com"),
            ],
            TestServices.Triggered(),
            TestContext.Current.CancellationToken);

        Assert.Equal([true, false, true, false, false, false], results.Select(r => r.Success));
        var logs = services.GetRequiredService<FakeLogCollector>().GetSnapshot();
        Assert.Contains(logs, l => l.Message.Contains("delivered on Slack", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Message.Contains("failed on PagerDuty", StringComparison.Ordinal));
        foreach (var secret in new[] { slackToken, routingKey, smtpPassword, TestServices.WebhookSecret })
        {
            Assert.DoesNotContain(logs, l => l.Message.Contains(secret, StringComparison.Ordinal)
                || (l.StructuredState?.Any(s => s.Value?.Contains(secret, StringComparison.Ordinal) == true) ?? false)
                || (l.Exception?.ToString().Contains(secret, StringComparison.Ordinal) ?? false));
            Assert.DoesNotContain(results, r => r.Describe().Contains(secret, StringComparison.Ordinal));
        }
    }
}
