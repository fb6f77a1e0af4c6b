using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Integrations.Tests.Support;
using OpsFunctions.Testing.Http;

namespace OpsFunctions.Integrations.Tests;

public sealed class SendAllTests
{
    [Fact]
    public async Task SendAllAsync_OneChannelDown_DeliversTheOthersAndReportsEachInTargetOrder()
    {
        await using var slack = await LoopbackReceiver.StartAsync();
        await using var teams = await LoopbackReceiver.StartAsync();
        await using var pagerDuty = await LoopbackReceiver.StartAsync();
        await using var webhook = await LoopbackReceiver.StartAsync();
        teams.RespondWith(503, "down", "text/plain");
        pagerDuty.RespondWith(202, """{"status":"success"}""");
        var settings = TestServices.FastSettings();
        settings["Notifications:Slack:Channels:ops"] = slack.Url("/slack").AbsoluteUri;
        settings["Notifications:Teams:Webhooks:sre"] = teams.Url("/teams").AbsoluteUri;
        settings["Notifications:PagerDuty:Endpoint"] = pagerDuty.BaseAddress.AbsoluteUri;
        settings["Notifications:Webhook:Endpoints:audit"] = webhook.Url("/audit").AbsoluteUri;
        await using var services = TestServices.Create(settings);
        ChannelTarget[] targets =
        [
            ChannelTarget.Slack("ops"),
            ChannelTarget.Teams("sre"),
            ChannelTarget.PagerDuty("R0123456789ABCDEF0123456789ABCDE"),
            ChannelTarget.Webhook("audit"),
            ChannelTarget.Email("oncall@example.com"),
        ];

        var results = await services.Sender().SendAllAsync(targets, TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.Equal([ChannelKind.Slack, ChannelKind.Teams, ChannelKind.PagerDuty, ChannelKind.Webhook, ChannelKind.Email], results.Select(r => r.Channel));
        Assert.Equal([true, false, true, true, false], results.Select(r => r.Success));
        Assert.Equal(3, results[1].Attempts);
        Assert.Contains("Notifications:Email:Host", results[4].Error, StringComparison.Ordinal);
        Assert.Single(slack.Requests);
        Assert.Single(pagerDuty.Requests);
        Assert.Single(webhook.Requests);
    }

    [Fact]
    public async Task SendAllAsync_OneChannelHangs_TheOthersAreDeliveredWhileItWaits()
    {
        await using var hanging = await LoopbackReceiver.StartAsync();
        await using var slack = await LoopbackReceiver.StartAsync();
        hanging.Hold();
        var settings = TestServices.FastSettings();
        settings["Notifications:Teams:Webhooks:sre"] = hanging.Url("/teams").AbsoluteUri;
        settings["Notifications:Slack:Channels:ops"] = slack.Url("/slack").AbsoluteUri;

        // On a clock that stands still the held Teams attempt cannot time out, so only Release can finish the sends.
        await using var services = TestServices.Create(settings, new FakeTimeProvider());

        // Teams first: were the sends sequential, Slack would not be reached until Teams answered.
        await using var sending = PendingCall.Start(token => services.Sender().SendAllAsync([ChannelTarget.Teams("sre"), ChannelTarget.Slack("ops")], TestServices.Triggered(), token));
        await hanging.WaitForRequestsAsync(1);
        await slack.WaitForRequestsAsync(1);
        Assert.False(sending.IsCompleted);
        hanging.Release();
        var results = await sending.ResultAsync();

        Assert.All(results, r => Assert.True(r.Success, r.Error));
    }

    [Fact]
    public async Task SendAllAsync_ASenderThatThrows_BecomesAFailedResultAndTheOthersStillRun()
    {
        await using var slack = await LoopbackReceiver.StartAsync();
        var settings = TestServices.FastSettings();
        settings["Notifications:Slack:Channels:ops"] = slack.Url("/slack").AbsoluteUri;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOpsIntegrations(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<IChannelSender, ThrowingSender>();
        await using var provider = services.BuildServiceProvider();

        var results = await provider.GetRequiredService<INotificationSender>().SendAllAsync(
            [ChannelTarget.Teams("sre"), ChannelTarget.Slack("ops")], TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.False(results[0].Success);
        Assert.Equal("InvalidOperationException: a bug in a sender", results[0].Error);
        Assert.True(results[1].Success, results[1].Error);
    }

    [Fact]
    public async Task SendAllAsync_NoTargets_ReturnsNoResults()
    {
        await using var services = TestServices.Create(TestServices.FastSettings());

        Assert.Empty(await services.Sender().SendAllAsync([], TestServices.Triggered(), TestContext.Current.CancellationToken));
    }

    private sealed class ThrowingSender : IChannelSender
    {
        public ChannelKind Kind => ChannelKind.Teams;

        public Task<DeliveryResult> SendAsync(ChannelTarget target, Notification notification, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a bug in a sender");
    }
}
