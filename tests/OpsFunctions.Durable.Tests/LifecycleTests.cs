using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Tests;

public sealed class LifecycleTests : OrchestrationTestBase
{
    [Fact]
    public async Task ContinueAsNew_TenIterations_KeepsHistorySmall()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<int, int>("Increment", (_, n) => n + 1)
            .AddOrchestratorFunc<int, int>("Loop", async (context, n) =>
            {
                var next = await context.CallActivityAsync<int>("Increment", n);
                if (next < 10)
                {
                    context.ContinueAsNew(next);
                }

                return next;
            }));

        var result = await RunAsync(host, "Loop", 0);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(10, result.ReadOutputAs<int>());
        var history = await host.Store.ReadHistoryAsync(result.InstanceId, Cancellation);
        Assert.Single(history.OfType<History.ExecutionStarted>());
        Assert.Equal(9, history.OfType<History.ExecutionStarted>().Single().Input is { } input ? int.Parse(input, System.Globalization.CultureInfo.InvariantCulture) : -1);
    }

    [Fact]
    public async Task ContinueAsNew_PreservingEvents_DeliversUnprocessedEventsToNextExecution()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<int, string>("Drain", async (context, generation) =>
            {
                if (generation == 0)
                {
                    await context.CreateTimer(TimeSpan.FromMinutes(1), CancellationToken.None);
                    context.ContinueAsNew(1);
                    return "first";
                }

                return await context.WaitForExternalEvent<string>("Work");
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Drain", 0, cancellation: Cancellation);
        await host.WaitForIdleAsync(Cancellation);
        await host.Client.RaiseEventAsync(id, "Work", "carried", Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1), Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal("carried", result.ReadOutputAs<string>());
    }

    [Theory]
    [InlineData(true, "carried")]
    [InlineData(false, "timed out")]
    public async Task ContinueAsNewOptions_PreserveUnprocessedEvents_DecidesWhetherTheEventCarriesOver(bool preserve, string expected)
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<int, string>("Drain", async (context, generation) =>
            {
                if (generation == 0)
                {
                    await context.CreateTimer(TimeSpan.FromMinutes(1), CancellationToken.None);
                    context.ContinueAsNew(new ContinueAsNewOptions { NewInput = 1, PreserveUnprocessedEvents = preserve });
                    return "first";
                }

                try
                {
                    return await context.WaitForExternalEvent<string>("Work", TimeSpan.FromMinutes(5));
                }
                catch (TaskCanceledException)
                {
                    return "timed out";
                }
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Drain", 0, cancellation: Cancellation);
        await host.WaitForIdleAsync(Cancellation);
        await host.Client.RaiseEventAsync(id, "Work", "carried", Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1), Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(5), Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal(expected, result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task TerminateInstanceAsync_Running_EndsTerminatedWithOutput()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Waiter", (context, _) => context.WaitForExternalEvent<string>("Never")));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", cancellation: Cancellation);
        await host.WaitForIdleAsync(Cancellation);
        await host.Client.TerminateInstanceAsync(id, "no longer needed", Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, result.RuntimeStatus);
        Assert.Equal("no longer needed", result.ReadOutputAs<string>());
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Client.RaiseEventAsync(id, "Never", null, Cancellation));
    }

    [Fact]
    public async Task SuspendInstanceAsync_EventWhileSuspended_IsHeldUntilResume()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Waiter", (context, _) => context.WaitForExternalEvent<string>("Go")));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", cancellation: Cancellation);
        await host.WaitForIdleAsync(Cancellation);
        await host.Client.SuspendInstanceAsync(id, "maintenance", Cancellation);
        await host.WaitForIdleAsync(Cancellation);
        await host.Client.RaiseEventAsync(id, "Go", "payload", Cancellation);
        await host.WaitForIdleAsync(Cancellation);
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await GetAsync(host, id)).RuntimeStatus);

        await host.Client.ResumeInstanceAsync(id, "done", Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal("payload", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task ScheduleNewOrchestrationInstanceAsync_IdActive_IsRefused()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Waiter", (context, input) => context.WaitForExternalEvent<string>("Go")));

        await host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", new StartOrchestrationOptions("dup"), Cancellation);

        var refused = await Assert.ThrowsAsync<InstanceAlreadyExistsException>(
            () => host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", new StartOrchestrationOptions("dup"), Cancellation));
        Assert.Equal("dup", refused.InstanceId);
        Assert.Contains("dup", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScheduleNewOrchestrationInstanceAsync_IdEnded_StartsNewExecution()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Echo", (_, input) => Task.FromResult(input)));

        var first = await RunAsync(host, "Echo", "one", "reused");
        var second = await RunAsync(host, "Echo", "two", "reused");

        Assert.Equal("one", first.ReadOutputAs<string>());
        Assert.Equal("two", second.ReadOutputAs<string>());
        var history = await host.Store.ReadHistoryAsync("reused", Cancellation);
        Assert.Single(history.OfType<History.ExecutionStarted>());
    }

    [Fact]
    public async Task ScheduleNewOrchestrationInstanceAsync_StartAt_StaysPendingUntilDue()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Echo", (_, input) => Task.FromResult(input)));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(
            "Echo", "later", new StartOrchestrationOptions(StartAt: host.TimeProvider.GetUtcNow().AddMinutes(10)), Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(9), Cancellation);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await GetAsync(host, id)).RuntimeStatus);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1), Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal("later", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task RaiseEventAsync_BeforeScheduledStart_IsDeliveredOnceItStarts()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Waiter", (context, _) => context.WaitForExternalEvent<string>("Go")));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(
            "Waiter", null, new StartOrchestrationOptions(StartAt: host.TimeProvider.GetUtcNow().AddMinutes(5)), Cancellation);
        await host.Client.RaiseEventAsync(id, "Go", "early", Cancellation);
        await host.WaitForIdleAsync(Cancellation);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await GetAsync(host, id)).RuntimeStatus);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(5), Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal("early", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task TerminateInstanceAsync_BeforeScheduledStart_NeverRuns()
    {
        var runs = 0;
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Counted", (_, _) =>
            {
                Interlocked.Increment(ref runs);
                return Task.FromResult("ran");
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(
            "Counted", null, new StartOrchestrationOptions(StartAt: host.TimeProvider.GetUtcNow().AddMinutes(5)), Cancellation);
        await host.Client.TerminateInstanceAsync(id, "cancelled", Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(10), Cancellation);

        var result = await GetAsync(host, id);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, result.RuntimeStatus);
        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task UnregisteredOrchestrator_FailsInstanceNamingIt()
    {
        await using var host = await CreateSut(_ => { });

        var result = await RunAsync(host, "Missing");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal("OrchestratorNotFound", result.FailureDetails?.ErrorType);
        Assert.Contains("'Missing'", result.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrchestratorInput_WrongShape_FailsInstanceNamingType()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<int, int>("Numbers", (_, n) => Task.FromResult(n)));

        var result = await RunAsync(host, "Numbers", "not a number");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("Int32", result.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrchestratorOutput_NotSerializable_FailsInstance()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, object>("Bad", (_, _) => Task.FromResult<object>(new Unserializable())));

        var result = await RunAsync(host, "Bad");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("does not serialize", result.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCalls_UnknownInstance_ThrowInstanceNotFound()
    {
        await using var host = await CreateSut(_ => { });

        await Assert.ThrowsAsync<InstanceNotFoundException>(() => host.Client.RaiseEventAsync("nope", "Go", null, Cancellation));
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => host.Client.TerminateInstanceAsync("nope", null, Cancellation));
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => host.Client.SuspendInstanceAsync("nope", null, Cancellation));
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => host.Client.ResumeInstanceAsync("nope", null, Cancellation));
        Assert.Null(await host.Client.GetInstanceAsync("nope", cancellation: Cancellation));
        Assert.Equal(0, (await host.Client.PurgeInstanceAsync("nope", Cancellation)).PurgedInstanceCount);
    }

    [Fact]
    public async Task GetAllInstancesAsync_FiltersAndPages()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Echo", (_, input) => Task.FromResult(input))
            .AddOrchestratorFunc<string, string>("Waiter", (context, _) => context.WaitForExternalEvent<string>("Go")));
        for (var i = 0; i < 5; i++)
        {
            await RunAsync(host, "Echo", $"e{i}", $"batch-{i}");
        }

        await host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", new StartOrchestrationOptions("batch-waiting"), Cancellation);
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", new StartOrchestrationOptions("other"), Cancellation);
        await host.WaitForIdleAsync(Cancellation);

        var completed = new List<string>();
        await foreach (var instance in host.Client.GetAllInstancesAsync(new OrchestrationQuery(Statuses: [OrchestrationRuntimeStatus.Completed])
        {
            InstanceIdPrefix = "batch-",
            PageSize = 2,
        }).WithCancellation(Cancellation))
        {
            completed.Add(instance.InstanceId);
        }

        var pages = 0;
        await foreach (var page in host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "batch-", PageSize = 2 }).AsPages().WithCancellation(Cancellation))
        {
            pages++;
            Assert.True(page.Values.Count <= 2);
        }

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"batch-{i}").Order(), completed.Order());
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task PurgeInstanceAsync_EndedAndRunning_DeletesOnlyEnded()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Echo", (_, input) => Task.FromResult(input))
            .AddOrchestratorFunc<string, string>("Waiter", (context, _) => context.WaitForExternalEvent<string>("Go")));
        await RunAsync(host, "Echo", "x", "done-1");
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", new StartOrchestrationOptions("live-1"), Cancellation);
        await host.WaitForIdleAsync(Cancellation);

        Assert.Equal(1, (await host.Client.PurgeInstanceAsync("done-1", Cancellation)).PurgedInstanceCount);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Client.PurgeInstanceAsync("live-1", Cancellation));

        Assert.Contains("Running", refused.Message, StringComparison.Ordinal);
        Assert.Null(await host.Client.GetInstanceAsync("done-1", cancellation: Cancellation));
        Assert.Empty(await host.Store.ReadHistoryAsync("done-1", Cancellation));
        Assert.NotNull(await host.Client.GetInstanceAsync("live-1", cancellation: Cancellation));
    }

    [Fact]
    public async Task PurgeAllInstancesAsync_ByStatus_CountsDeleted()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Echo", (_, input) => Task.FromResult(input))
            .AddOrchestratorFunc<string, string>("Fail", (_, _) => Throw<Task<string>>(new InvalidOperationException("x"))));
        await RunAsync(host, "Echo", "a");
        await RunAsync(host, "Echo", "b");
        await RunAsync(host, "Fail");

        var purged = await host.Client.PurgeAllInstancesAsync(new PurgeInstancesFilter(Statuses: [OrchestrationRuntimeStatus.Completed]), Cancellation);

        Assert.Equal(2, purged.PurgedInstanceCount);
        var left = new List<OrchestrationMetadata>();
        await foreach (var instance in host.Client.GetAllInstancesAsync().WithCancellation(Cancellation))
        {
            left.Add(instance);
        }

        Assert.Equal(OrchestrationRuntimeStatus.Failed, Assert.Single(left).RuntimeStatus);
    }

    private sealed class Unserializable
    {
        public string Value => throw new NotSupportedException("cannot read");
    }
}
