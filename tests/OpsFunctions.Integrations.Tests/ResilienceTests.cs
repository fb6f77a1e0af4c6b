using Microsoft.Extensions.Time.Testing;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Integrations.Tests.Support;
using OpsFunctions.Testing.Http;

namespace OpsFunctions.Integrations.Tests;

public sealed class ResilienceTests
{
    // The timing tests' settings, as TimeSpans for advancing the fake clock; MaxRetryDelay is FastSettings'.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan TotalTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task SendAsync_ServiceUnavailableTwice_RetriesAndDelivers()
    {
        await using var slack = await LoopbackReceiver.StartAsync();
        slack.FailNext(2);
        await using var services = CreateSut(slack);

        var result = await services.Sender().SendAsync(ChannelTarget.Slack("ops"), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3, slack.Requests.Count);
        Assert.Equal(200, result.StatusCode);
        Assert.False(result.Transient);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(404)]
    public async Task SendAsync_ClientError_StopsAfterOneAttempt(int status)
    {
        await using var slack = await LoopbackReceiver.StartAsync();
        slack.RespondWith(status, "invalid_payload", "text/plain");
        await using var services = CreateSut(slack);

        var result = await services.Sender().SendAsync(ChannelTarget.Slack("ops"), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Equal(status, result.StatusCode);
        Assert.Equal(1, result.Attempts);
        Assert.Single(slack.Requests);
        Assert.EndsWith(": invalid_payload", result.Error, StringComparison.Ordinal);
        Assert.False(result.Transient);
    }

    [Fact]
    public async Task SendAsync_ChannelThatStaysDown_ReturnsAFailedResultAfterEveryAttempt()
    {
        await using var slack = await LoopbackReceiver.StartAsync();
        slack.RespondWith(503, "down", "text/plain");
        await using var services = CreateSut(slack);

        var result = await services.Sender().SendAsync(ChannelTarget.Slack("ops"), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Equal(503, result.StatusCode);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3, slack.Requests.Count);
        Assert.Equal("HTTP 503 Service Unavailable: down", result.Error);
        Assert.True(result.Transient);
        Assert.StartsWith("Slack ops: failed after 3 attempts", result.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_NothingListening_ReturnsANetworkError()
    {
        var settings = TestServices.FastSettings();
        using var closed = LoopbackPort.Closed();
        settings["Notifications:Slack:Channels:ops"] = $"http://127.0.0.1:{closed.Port}/hook";
        await using var services = TestServices.Create(settings);

        var result = await services.Sender().SendAsync(ChannelTarget.Slack("ops"), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Null(result.StatusCode);
        Assert.Equal(3, result.Attempts);
        Assert.StartsWith("network error: ConnectionError", result.Error, StringComparison.Ordinal);
        Assert.True(result.Transient);
    }

    [Fact]
    public async Task SendAsync_ReceiverThatHangs_TimesOutEachAttempt()
    {
        await using var slack = await LoopbackReceiver.StartAsync();
        slack.Hold();
        var time = new TimerWatchingTimeProvider();
        var settings = CreateSettings(slack);
        settings["Notifications:Resilience:MaxRetryAttempts"] = "1";
        settings["Notifications:Resilience:AttemptTimeout"] = "00:00:00.300";
        await using var services = TestServices.Create(settings, time);

        await using var sending = SendToOps(services);
        var retryDelay = await TimeOutFirstAttemptAndWaitForTheRetryAsync(slack, time);
        time.Advance(AttemptTimeout);
        var result = await sending.ResultAsync();

        Assert.False(result.Success);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, slack.Requests.Count);
        Assert.Equal("timed out after 0.3 s", result.Error);
        Assert.True(result.Transient);
        Assert.Equal(AttemptTimeout + retryDelay + AttemptTimeout, result.Duration);
    }

    [Fact]
    public async Task SendAsync_TotalTimeout_CutsRetriesShort()
    {
        await using var slack = await LoopbackReceiver.StartAsync();
        slack.Hold();
        var time = new TimerWatchingTimeProvider();
        var settings = CreateSettings(slack);
        settings["Notifications:Resilience:MaxRetryAttempts"] = "5";
        settings["Notifications:Resilience:AttemptTimeout"] = "00:00:00.300";
        settings["Notifications:Resilience:TotalTimeout"] = "00:00:00.500";
        await using var services = TestServices.Create(settings, time);

        await using var sending = SendToOps(services);
        var retryDelay = await TimeOutFirstAttemptAndWaitForTheRetryAsync(slack, time);

        // To the total timeout, which falls before the second attempt's own timeout would.
        time.Advance(TotalTimeout - AttemptTimeout - retryDelay);
        var result = await sending.ResultAsync();

        Assert.False(result.Success);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, slack.Requests.Count);
        Assert.Equal("timed out after 0.5 s", result.Error);
        Assert.Equal(TotalTimeout, result.Duration);
    }

    [Fact]
    public async Task SendAsync_RepeatedFailures_OpenTheCircuitSoLaterSendsFailFastWithoutReachingTheHost()
    {
        await using var slack = await LoopbackReceiver.StartAsync();
        slack.RespondWith(503, "down", "text/plain");
        var settings = CreateSettings(slack);
        settings["Notifications:Resilience:MaxRetryAttempts"] = "0";
        settings["Notifications:Resilience:CircuitBreakerMinimumThroughput"] = "2";
        settings["Notifications:Resilience:CircuitBreakerFailureRatio"] = "0.5";
        settings["Notifications:Resilience:CircuitBreakerBreakDuration"] = "00:05:00";

        // On a clock that stands still, the sampling window and the break outlast the test however slow the machine.
        await using var services = TestServices.Create(settings, new FakeTimeProvider());
        var sender = services.Sender();

        var first = await sender.SendAsync(ChannelTarget.Slack("ops"), TestServices.Triggered(), TestContext.Current.CancellationToken);
        var second = await sender.SendAsync(ChannelTarget.Slack("ops"), TestServices.Triggered(), TestContext.Current.CancellationToken);
        slack.RespondWith(200, "ok", "text/plain");
        var third = await sender.SendAsync(ChannelTarget.Slack("ops"), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.Equal([503, 503], new[] { first.StatusCode, second.StatusCode });
        Assert.False(third.Success);
        Assert.Equal(0, third.Attempts);
        Assert.True(third.Transient);
        Assert.StartsWith($"circuit open for {slack.BaseAddress.Authority}", third.Error, StringComparison.Ordinal);
        Assert.Equal(2, slack.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_CircuitOpenForOneHost_StillDeliversToAnother()
    {
        await using var down = await LoopbackReceiver.StartAsync();
        await using var up = await LoopbackReceiver.StartAsync();
        down.RespondWith(503, "down", "text/plain");
        var settings = TestServices.FastSettings();
        settings["Notifications:Resilience:MaxRetryAttempts"] = "0";
        settings["Notifications:Resilience:CircuitBreakerMinimumThroughput"] = "2";
        settings["Notifications:Resilience:CircuitBreakerBreakDuration"] = "00:05:00";
        await using var services = TestServices.Create(settings, new FakeTimeProvider());
        var sender = services.Sender();

        for (var i = 0; i < 3; i++)
        {
            await sender.SendAsync(ChannelTarget.Webhook(down.Url("/hook").AbsoluteUri), TestServices.Triggered(), TestContext.Current.CancellationToken);
        }

        var result = await sender.SendAsync(ChannelTarget.Webhook(up.Url("/hook").AbsoluteUri), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.Equal(2, down.Requests.Count);
        Assert.True(result.Success, result.Error);
    }

    [Fact]
    public async Task SendAsync_Cancelled_Throws()
    {
        await using var slack = await LoopbackReceiver.StartAsync();
        slack.Hold();

        // The attempt cannot time out on a clock that stands still: only the cancellation can end it.
        await using var services = CreateSut(slack, new FakeTimeProvider());

        await using var sending = SendToOps(services);
        await slack.WaitForRequestsAsync(1);
        await sending.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(sending.ResultAsync);
    }

    /// <summary>
    /// Waits for the first attempt to reach the held receiver, lets it time out, waits out the retry delay Polly then
    /// schedules (jittered, so read from its timer) and waits for the second attempt; returns that delay.
    /// </summary>
    private static async Task<TimeSpan> TimeOutFirstAttemptAndWaitForTheRetryAsync(LoopbackReceiver slack, TimerWatchingTimeProvider time)
    {
        await slack.WaitForRequestsAsync(1);
        var timersBefore = time.TimersSet;
        time.Advance(AttemptTimeout);

        // A jittered delay under a millisecond sets no timer (Task.Delay counts whole milliseconds): the second attempt
        // then comes at once.
        var retryDelay = TimeSpan.Zero;
        await Eventually.HappensAsync(
            () => time.TryGetTimerSetAfter(timersBefore, out retryDelay) || slack.Requests.Count >= 2,
            "the retry delay or the second attempt");
        Assert.InRange(retryDelay, TimeSpan.Zero, MaxRetryDelay);
        time.Advance(retryDelay);
        await slack.WaitForRequestsAsync(2);
        return retryDelay;
    }

    private static PendingCall<DeliveryResult> SendToOps(Microsoft.Extensions.DependencyInjection.ServiceProvider services) =>
        PendingCall.Start(token => services.Sender().SendAsync(ChannelTarget.Slack("ops"), TestServices.Triggered(), token));

    private static Microsoft.Extensions.DependencyInjection.ServiceProvider CreateSut(LoopbackReceiver slack, TimeProvider? time = null) =>
        TestServices.Create(CreateSettings(slack), time);

    private static Dictionary<string, string?> CreateSettings(LoopbackReceiver slack)
    {
        var settings = TestServices.FastSettings();
        settings["Notifications:Slack:Channels:ops"] = slack.Url("/services/ops").AbsoluteUri;
        return settings;
    }
}
