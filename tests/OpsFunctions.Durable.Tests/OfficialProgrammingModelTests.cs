using OrchestrationAlreadyExistsException = DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException;
using Microsoft.Data.Sqlite;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Testing.Hosting;
using OpsFunctions.Testing.Samples;

namespace OpsFunctions.Durable.Tests;

/// <summary>The official Microsoft.DurableTask surface, as the engine runs it.</summary>
public sealed class OfficialProgrammingModelTests : OrchestrationTestBase
{
    [Fact]
    public async Task OfficialBuilders_UseSqlite_RunTheDocumentationsOrchestratorOnOneSharedStore()
    {
        var directory = Directory.CreateTempSubdirectory("opsfunctions-official-").FullName;
        var connectionString = $"Data Source={Path.Combine(directory, "hub.db")}";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDurableTaskWorker(worker => worker
            .AddTasks(tasks => tasks.AddOrchestrator<HelloCities>().AddActivity<SayHello>())
            .UseSqlite(connectionString, engine: options => options.HubName = "docs"));
        builder.Services.AddDurableTaskClient(client => client.UseSqlite(connectionString));
        using var host = builder.Build();
        await host.StartAsync(Cancellation);
        try
        {
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities), cancellation: Cancellation);
            var result = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

            Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
            Assert.Equal(["Hello Tokyo!", "Hello Seattle!", "Hello London!"], result.ReadOutputAs<List<string>>());
            Assert.IsType<StoreDurableTaskClient>(client);
            Assert.Single(host.Services.GetServices<IDurableStore>());
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task DurableTestHost_RunsTheDocumentationsOrchestratorAsTheReadmeShows()
    {
        await using var host = await CreateSut(tasks => tasks.AddOrchestrator<HelloCities>().AddActivity<SayHello>());

        var result = await RunAsync(host, nameof(HelloCities));

        Assert.Equal(["Hello Tokyo!", "Hello Seattle!", "Hello London!"], result.ReadOutputAs<List<string>>());
    }

    [Fact]
    public async Task Parent_OfSubOrchestration_NamesTheParentAndIsNullAtTheTop()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string>("Child", context => Task.FromResult($"{context.Parent?.Name.Name}/{context.Parent?.InstanceId}"))
            .AddOrchestratorFunc<string>("Top", async context =>
                $"{context.Parent is null}|" + await context.CallSubOrchestratorAsync<string>("Child", options: new SubOrchestrationOptions(instanceId: "kid"))));

        var result = await RunAsync(host, "Top", instanceId: "top");

        Assert.Equal("True|Top/top", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task RetryHandler_DecidesFromRetryContext_RetriesUntilItSaysNo()
    {
        var calls = 0;
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<string, string>("Flaky", (_, _) => Interlocked.Increment(ref calls) < 3
                ? Throw<string>(new TimeoutException("slow"))
                : Throw<string>(new InvalidOperationException("broken")))
            .AddOrchestratorFunc<string>("Caller", async context =>
            {
                var attempts = new List<int>();
                try
                {
                    await context.CallActivityAsync<string>("Flaky", options: TaskOptions.FromRetryHandler(retry =>
                    {
                        attempts.Add(retry.LastAttemptNumber);
                        return retry.LastFailure.IsCausedBy<TimeoutException>();
                    }));
                    return "succeeded";
                }
                catch (TaskFailedException failure)
                {
                    return $"{string.Join(",", attempts)}:{failure.FailureDetails.ErrorType}";
                }
            }));

        var result = await RunAsync(host, "Caller");

        Assert.Equal($"1,2,3:{typeof(InvalidOperationException).FullName}", result.ReadOutputAs<string>());
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task RetryPolicy_HandleFailureTrue_RetriesOnDurableTimers()
    {
        var calls = 0;
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<string, string>("Flaky", (_, _) => Interlocked.Increment(ref calls) < 3 ? Throw<string>(new TimeoutException("slow")) : "ok")
            .AddOrchestratorFunc<string>("Caller", context => context.CallActivityAsync<string>(
                "Flaky",
                options: TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromMinutes(1)) { HandleFailure = failure => failure.IsCausedBy<TimeoutException>() }))));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Caller", cancellation: Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1), Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1), Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal("ok", result.ReadOutputAs<string>());
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task IsCausedBy_ExceptionsOfActivityAndSubOrchestration_AreRecognizedThroughTaskFailedException()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<string, string>("Refuses", (_, _) => Throw<string>(new OutageException()))
            .AddOrchestratorFunc<string>("Child", _ => Task.FromResult(Throw<string>(new ArgumentException("bad"))))
            .AddOrchestratorFunc<string>("Caller", async context =>
            {
                var seen = new List<bool>();
                try
                {
                    await context.CallActivityAsync<string>("Refuses");
                }
                catch (TaskFailedException failure)
                {
                    seen.Add(failure.FailureDetails.IsCausedBy<OutageException>());
                    seen.Add(failure.FailureDetails.IsCausedBy<InvalidOperationException>());
                    seen.Add(failure.FailureDetails.IsCausedBy<ArgumentException>());
                }

                try
                {
                    await context.CallSubOrchestratorAsync<string>("Child");
                }
                catch (TaskFailedException failure)
                {
                    seen.Add(failure.FailureDetails.IsCausedBy<ArgumentException>());
                }

                return string.Join(",", seen);
            }));

        var result = await RunAsync(host, "Caller");

        Assert.Equal("True,True,False,True", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Start_OntoEndedId_RunsAFreshExecutionUnlessDedupeStatusesNameIt()
    {
        var runs = 0;
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<int>("Counter", _ => Task.FromResult(Interlocked.Increment(ref runs))));

        var first = await RunAsync(host, "Counter", instanceId: "same");
        var second = await RunAsync(host, "Counter", instanceId: "same");
        var refused = await Assert.ThrowsAsync<InstanceAlreadyExistsException>(() => host.Client.ScheduleNewOrchestrationInstanceAsync(
            "Counter", new StartOrchestrationOptions("same").WithDedupeStatuses(OrchestrationRuntimeStatus.Completed), Cancellation));

        Assert.Equal(1, first.ReadOutputAs<int>());
        Assert.Equal(2, second.ReadOutputAs<int>());
        Assert.IsAssignableFrom<OrchestrationAlreadyExistsException>(refused);
        Assert.Contains("Completed", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task Start_OntoRunningId_IsRefusedEvenWithoutDedupeStatuses()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string>("Waiter", context => context.WaitForExternalEvent<string>("go")));
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", new StartOrchestrationOptions("busy"), Cancellation);
        await host.Client.WaitForInstanceStartAsync("busy", cancellation: Cancellation);

        var refused = await Assert.ThrowsAsync<InstanceAlreadyExistsException>(
            () => host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", new StartOrchestrationOptions("busy"), Cancellation));

        Assert.Equal(OrchestrationRuntimeStatus.Running, refused.Status);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await GetAsync(host, "busy")).RuntimeStatus);
    }

    [Fact]
    public async Task SendEvent_ToAnotherInstance_IsRecordedAndDeliveredExactlyOnceThroughReplays()
    {
        await using var host = await CreateSut(
            tasks => tasks
                .AddOrchestratorFunc<string>("Receiver", async context =>
                {
                    var first = await context.WaitForExternalEvent<string>("go");
                    try
                    {
                        await context.WaitForExternalEvent<string>("go", TimeSpan.FromMinutes(5));
                        return "twice";
                    }
                    catch (TaskCanceledException)
                    {
                        return first;
                    }
                })
                .AddOrchestratorFunc<string>("Sender", async context =>
                {
                    context.SendEvent("receiver", "go", "from sender");
                    context.SendEvent("nobody", "go", "dropped");

                    // Later episodes replay the sends: they must match history, not send again.
                    await context.CreateTimer(TimeSpan.FromMinutes(1), CancellationToken.None);
                    await context.CreateTimer(TimeSpan.FromMinutes(1), CancellationToken.None);
                    return "sent";
                }),
            engine => engine.MaxCachedOrchestrations = 0);
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Receiver", new StartOrchestrationOptions("receiver"), Cancellation);
        await host.Client.WaitForInstanceStartAsync("receiver", cancellation: Cancellation);
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Sender", new StartOrchestrationOptions("sender"), Cancellation);

        for (var minute = 0; minute < 6; minute++)
        {
            await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1), Cancellation);
        }

        Assert.Equal("sent", (await GetAsync(host, "sender")).ReadOutputAs<string>());
        Assert.Equal("from sender", (await GetAsync(host, "receiver")).ReadOutputAs<string>());
        var sent = (await host.Store.ReadHistoryAsync("sender", Cancellation)).OfType<History.EventSent>().ToList();
        Assert.Equal([("receiver", "go", 0), ("nobody", "go", 1)], sent.Select(e => (e.InstanceId, e.Name, e.TaskId)));
        Assert.Null(await host.Client.GetInstanceAsync("nobody", cancellation: Cancellation));
    }

    [Fact]
    public async Task SendEvent_RightBeforeCompletingOrContinuingAsNew_StillArrives()
    {
        await using var host = await CreateSut(tasks => tasks.AddLastWordSender());
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Receiver", new StartOrchestrationOptions(LastWordSender.ReceiverId), Cancellation);
        await host.Client.WaitForInstanceStartAsync(LastWordSender.ReceiverId, cancellation: Cancellation);

        await RunAsync(host, "Sender", 0);
        var receiver = await host.Client.WaitForInstanceCompletionAsync(LastWordSender.ReceiverId, getInputsAndOutputs: true, Cancellation);

        Assert.Equal(LastWordSender.ExpectedOutput, receiver.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Tags_OfStartsAndCalls_AreKeptOnTheInstanceTheChildAndTheHistory()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<string, string>("Shout", (_, input) => input.ToUpperInvariant())
            .AddOrchestratorFunc<string>("Child", context => Task.FromResult("child"))
            .AddOrchestratorFunc<int, string>("Parent", async (context, round) =>
            {
                var shout = await context.CallActivityAsync<string>("Shout", "hi", new TaskOptions(tags: new Dictionary<string, string> { ["step"] = "shout" }));
                await context.CallSubOrchestratorAsync<string>(
                    "Child", options: new SubOrchestrationOptions(new TaskOptions(tags: new Dictionary<string, string> { ["step"] = "child" }), $"child-{round}"));
                if (round == 0)
                {
                    context.ContinueAsNew(1);
                }

                return shout;
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(
            "Parent", 0, new StartOrchestrationOptions("parent") { Tags = new Dictionary<string, string> { ["team"] = "payments" } }, Cancellation);
        var parent = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);
        var history = await host.Client.GetOrchestrationHistoryAsync(id, Cancellation);

        Assert.Equal("HI", parent.ReadOutputAs<string>());
        Assert.Equal(new Dictionary<string, string> { ["team"] = "payments" }, parent.Tags);
        Assert.Equal(new Dictionary<string, string> { ["step"] = "child" }, (await GetAsync(host, "child-1")).Tags);
        Assert.Equal("shout", Assert.Single(history.OfType<DurableTask.Core.History.TaskScheduledEvent>()).Tags?["step"]);
        Assert.Equal("payments", history.OfType<DurableTask.Core.History.ExecutionStartedEvent>().Single().Tags?["team"]);
        Assert.Empty((await RunAsync(host, "Child")).Tags);
    }

    [Fact]
    public async Task Entities_FailTheOrchestrationNamingTheMember()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string>("EntityUser", context => Task.FromResult(context.Entities.ToString()!)));

        var entityUser = await RunAsync(host, "EntityUser");

        Assert.Equal(typeof(NotSupportedException).FullName, entityUser.FailureDetails?.ErrorType);
        Assert.Contains("Entities", entityUser.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TerminateAndPurge_Recursive_ReachTheSubOrchestrationsToo()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string>("Waiter", context => context.WaitForExternalEvent<string>("go"))
            .AddOrchestratorFunc<string>("Parent", context => context.CallSubOrchestratorAsync<string>("Waiter", options: new SubOrchestrationOptions(instanceId: "child")))
            .AddOrchestratorFunc<string>("Lonely", context => context.WaitForExternalEvent<string>("go")));
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent", new StartOrchestrationOptions("parent"), Cancellation);
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Lonely", new StartOrchestrationOptions("lonely"), Cancellation);
        await host.WaitForIdleAsync(Cancellation);

        await host.Client.TerminateInstanceAsync("parent", new TerminateInstanceOptions("stopped", Recursive: true), Cancellation);
        var parent = await host.Client.WaitForInstanceCompletionAsync("parent", getInputsAndOutputs: true, Cancellation);
        var child = await host.Client.WaitForInstanceCompletionAsync("child", getInputsAndOutputs: true, Cancellation);
        var purged = await host.Client.PurgeInstanceAsync("parent", new PurgeInstanceOptions(Recursive: true), Cancellation);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, parent.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, child.RuntimeStatus);
        Assert.Equal("stopped", child.ReadOutputAs<string>());
        Assert.Equal(2, purged.PurgedInstanceCount);
        Assert.Null(await host.Client.GetInstanceAsync("child", cancellation: Cancellation));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await GetAsync(host, "lonely")).RuntimeStatus);
    }

    [Fact]
    public async Task RestartAsync_EndedInstance_RunsAgainWithItsInputUnderTheSameOrANewId()
    {
        var runs = 0;
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Echo", (_, input) => Task.FromResult($"{input}#{Interlocked.Increment(ref runs)}"))
            .AddOrchestratorFunc<string>("Waiter", context => context.WaitForExternalEvent<string>("go")));
        await RunAsync(host, "Echo", "hello", instanceId: "echo");
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", new StartOrchestrationOptions("waiter"), Cancellation);

        var same = await host.Client.RestartAsync("echo", restartWithNewInstanceId: false, Cancellation);
        var sameResult = await host.Client.WaitForInstanceCompletionAsync(same, getInputsAndOutputs: true, Cancellation);
        var fresh = await host.Client.RestartAsync("echo", restartWithNewInstanceId: true, Cancellation);
        var freshResult = await host.Client.WaitForInstanceCompletionAsync(fresh, getInputsAndOutputs: true, Cancellation);
        var running = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Client.RestartAsync("waiter", false, Cancellation));
        var unknown = await Assert.ThrowsAsync<InstanceNotFoundException>(() => host.Client.RestartAsync("nope", false, Cancellation));

        Assert.Equal("echo", same);
        Assert.Equal("hello#2", sameResult.ReadOutputAs<string>());
        Assert.NotEqual("echo", fresh);
        Assert.Equal("hello#3", freshResult.ReadOutputAs<string>());
        Assert.Contains("terminate it", running.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<ArgumentException>(unknown);
    }

    [Fact]
    public async Task GetOrchestrationHistoryAsync_GivesDurableTaskCoreEventsWithPairedIds()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<string, string>("Shout", (_, input) => input.ToUpperInvariant())
            .AddOrchestratorFunc<string, string>("Caller", async (context, input) =>
            {
                await context.CreateTimer(TimeSpan.FromMinutes(1), CancellationToken.None);
                return await context.CallActivityAsync<string>("Shout", input);
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Caller", "hi", Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1), Cancellation);
        await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Cancellation);

        var history = await host.Client.GetOrchestrationHistoryAsync(id, Cancellation);

        var started = Assert.IsType<DurableTask.Core.History.ExecutionStartedEvent>(history.First(e => e is DurableTask.Core.History.ExecutionStartedEvent));
        Assert.Equal(("Caller", "\"hi\"", id), (started.Name, started.Input, started.OrchestrationInstance.InstanceId));
        var timer = Assert.Single(history.OfType<DurableTask.Core.History.TimerCreatedEvent>());
        Assert.Equal(timer.EventId, Assert.Single(history.OfType<DurableTask.Core.History.TimerFiredEvent>()).TimerId);
        var scheduled = Assert.Single(history.OfType<DurableTask.Core.History.TaskScheduledEvent>());
        var completed = Assert.Single(history.OfType<DurableTask.Core.History.TaskCompletedEvent>());
        Assert.Equal(("Shout", scheduled.EventId, "\"HI\""), (scheduled.Name, completed.TaskScheduledId, completed.Result));
        var end = Assert.IsType<DurableTask.Core.History.ExecutionCompletedEvent>(history[^1]);
        Assert.Equal(DurableTask.Core.OrchestrationStatus.Completed, end.OrchestrationStatus);
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => host.Client.GetOrchestrationHistoryAsync("nope", Cancellation));
    }

    [Fact]
    public async Task DataConverter_RegisteredAsAService_CarriesEveryPayloadOfWorkerAndClient()
    {
        var converter = new MarkingConverter();
        await using var host = await DurableTestHost.StartAsync(
            tasks => tasks
                .AddActivityFunc<string, string>("Echo", (_, input) => input)
                .AddOrchestratorFunc<string, string>("Caller", (context, input) => context.CallActivityAsync<string>("Echo", input)),
            options => options.ConfigureServices = services => services.AddSingleton<DataConverter>(converter),
            Cancellation);

        var result = await RunAsync(host, "Caller", "payload");

        // Written by the client, read by the orchestrator, passed to the activity and back, read by the client.
        Assert.Equal("payload", result.ReadOutputAs<string>());
        Assert.Equal("\"payload\"|marked", result.SerializedOutput);
        Assert.Equal("\"payload\"|marked", result.SerializedInput);
        Assert.True(converter.Reads >= 4, $"{converter.Reads} reads");
    }

    /// <summary>A converter whose JSON is recognizable, to prove which converter wrote a payload.</summary>
    private sealed class MarkingConverter : DataConverter
    {
        private const string Mark = "|marked";
        private int _reads;

        public int Reads => _reads;

        public override string? Serialize(object? value)
            => JsonDataConverter.Default.Serialize(value) is { } json ? json + Mark : null;

        public override object? Deserialize(string? data, Type targetType)
        {
            Interlocked.Increment(ref _reads);
            return JsonDataConverter.Default.Deserialize(data is not null && data.EndsWith(Mark, StringComparison.Ordinal) ? data[..^Mark.Length] : data, targetType);
        }
    }

    private sealed class OutageException() : InvalidOperationException("the dependency is down");
}
