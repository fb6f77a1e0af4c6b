namespace OpsFunctions.Durable.Tests;

public sealed class TimerAndEventTests : OrchestrationTestBase
{
    [Fact]
    public async Task CreateTimer_OneHour_DoesNotFireEarly()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, DateTime>("Sleeper", async (context, _) =>
            {
                await context.CreateTimer(TimeSpan.FromHours(1), CancellationToken.None);
                return context.CurrentUtcDateTime;
            }));
        var start = host.TimeProvider.GetUtcNow();

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Sleeper", cancellation: Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(59), Cancellation);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await GetAsync(host, id)).RuntimeStatus);
        await host.AdvanceTimeAsync(TimeSpan.FromSeconds(1), Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(start.AddHours(1).UtcDateTime, result.ReadOutputAs<DateTime>());
    }

    [Fact]
    public async Task WaitForExternalEvent_Raised_ReturnsPayload()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Approval", (context, _) => context.WaitForExternalEvent<string>("Approved")));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approval", cancellation: Cancellation);
        await host.WaitForIdleAsync(Cancellation);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await GetAsync(host, id)).RuntimeStatus);
        await host.Client.RaiseEventAsync(id, "approved", "by alice", Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal("by alice", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WaitForExternalEvent_RaisedBeforeWait_IsBufferedInOrder()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Late", async (context, _) =>
            {
                await context.CreateTimer(TimeSpan.FromMinutes(5), CancellationToken.None);
                var first = await context.WaitForExternalEvent<int>("Step");
                var second = await context.WaitForExternalEvent<int>("Step");
                return $"{first},{second}";
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Late", cancellation: Cancellation);
        await host.WaitForIdleAsync(Cancellation);
        await host.Client.RaiseEventAsync(id, "Step", 1, Cancellation);
        await host.Client.RaiseEventAsync(id, "Step", 2, Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(5), Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal("1,2", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WaitForExternalEvent_TimeoutWithoutEvent_ThrowsTaskCanceled()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Ack", async (context, _) =>
            {
                try
                {
                    return await context.WaitForExternalEvent<string>("Ack", TimeSpan.FromMinutes(15));
                }
                catch (TaskCanceledException)
                {
                    return "escalate";
                }
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Ack", cancellation: Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(14), Cancellation);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await GetAsync(host, id)).RuntimeStatus);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1), Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal("escalate", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WaitForExternalEvent_EventBeforeTimeout_CancelsTimerAndReturnsPayload()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Ack", async (context, _) =>
            {
                var who = await context.WaitForExternalEvent<string>("Ack", TimeSpan.FromMinutes(15));
                var afterwards = await context.WaitForExternalEvent<string>("Second");
                return $"{who}/{afterwards}";
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Ack", cancellation: Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(3), Cancellation);
        await host.Client.RaiseEventAsync(id, "Ack", "bob", Cancellation);
        await host.WaitForIdleAsync(Cancellation);

        // The cancelled timer still fires into history later; it must not disturb the orchestration.
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(30), Cancellation);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await GetAsync(host, id)).RuntimeStatus);
        await host.Client.RaiseEventAsync(id, "Second", "done", Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal("bob/done", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task CreateTimer_CancelledByEvent_TimerTaskIsCancelled()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Race", async (context, _) =>
            {
                using var cancel = new CancellationTokenSource();
                var timer = context.CreateTimer(TimeSpan.FromHours(4), cancel.Token);
                var resolved = context.WaitForExternalEvent<string>("Resolved");
                var winner = await Task.WhenAny(timer, resolved);
                if (winner == resolved)
                {
                    // Cancel runs the callbacks here, on the replay thread; CancelAsync would not.
#pragma warning disable CA1849, VSTHRD103
                    cancel.Cancel();
#pragma warning restore CA1849, VSTHRD103
                }

                return winner == resolved ? $"resolved:{timer.IsCanceled}" : "timed out";
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Race", cancellation: Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromHours(1), Cancellation);
        await host.Client.RaiseEventAsync(id, "Resolved", "ok", Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal("resolved:True", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task RaiseEventAsync_DuplicateDeliveryOfSameMessage_IsAppliedOnce()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, int>("Counter", async (context, _) =>
            {
                var total = 0;
                using var done = new CancellationTokenSource();
                for (var i = 0; i < 2; i++)
                {
                    var winner = await Task.WhenAny(
                        context.WaitForExternalEvent<int>("Add"),
                        context.CreateTimer(TimeSpan.FromMinutes(1), CancellationToken.None));
                    if (winner is Task<int> added)
                    {
                        total += await added;
                    }
                }

                return total;
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Counter", cancellation: Cancellation);
        await host.WaitForIdleAsync(Cancellation);

        // The same event (same event id) delivered twice, as a redelivered queue message would be.
        var raised = new History.EventRaised("delivery-1", "Add", "5") { Timestamp = host.TimeProvider.GetUtcNow() };
        await host.Store.SendMessageAsync(new History.OrchestrationMessage(id, null, raised), Cancellation);
        await host.Store.SendMessageAsync(new History.OrchestrationMessage(id, null, raised), Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(2), Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(2), Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal(5, result.ReadOutputAs<int>());
        var history = await host.Store.ReadHistoryAsync(id, Cancellation);
        Assert.Single(history.OfType<History.EventRaised>());
    }
}
