using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OpsFunctions.Durable.History;
using OpsFunctions.Testing.Hosting;

namespace OpsFunctions.Durable.Tests.Parity;

/// <summary>
/// Runs each scenario on the engine, then replays the engine's recorded history through Microsoft's executor
/// (<c>GrpcOrchestrationRunner.LoadAndRun</c>, as Durable Functions' .NET isolated worker runs orchestrators) and
/// compares, episode by episode, the actions each produced: activities, timers and sub-orchestrations with their ids,
/// names, inputs and fire times, the completion with its status, output or failure, and the custom status.
/// </summary>
public sealed class ExecutorParityTests : OrchestrationTestBase
{
    private static readonly DateTime Start = DurableTestHost.DefaultStartTime.UtcDateTime;

    [Fact]
    public async Task Chain_SameActionsAndOutcome()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks
            .AddOrchestrator<ParityChain>()
            .AddActivityFunc<Stop, string>("ParityGreet", (_, stop) => $"Hello {stop.City} #{stop.Position}"), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParityChain), "trip", Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal(["Hello Tokyo #0", "Hello Seattle #1", "Hello London #2"], result.ReadOutputAs<List<string>>());
        var episodes = await host.CompareAsync<ParityChain>(id, Cancellation);
        Assert.Equal(4, episodes.Count);
        OfficialReplay.AssertSame(episodes);
    }

    [Fact]
    public async Task FanOutFanIn_SameActionsAndOutcome()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks
            .AddOrchestrator<ParityFanOut>()
            .AddActivityFunc<int, int>("ParitySquare", (_, n) => n * n)
            .AddActivityFunc<int[], int>("ParitySum", (_, squares) => squares.Sum()), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParityFanOut), 4, Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal(1 + 4 + 9 + 16, result.ReadOutputAs<int>());
        var episodes = await host.CompareAsync<ParityFanOut>(id, Cancellation);
        Assert.Equal(["#0 ScheduleTask ParitySquare 1", "#1 ScheduleTask ParitySquare 2", "#2 ScheduleTask ParitySquare 3", "#3 ScheduleTask ParitySquare 4", "CustomStatus <none>"], episodes[0].Engine);
        OfficialReplay.AssertSame(episodes);
    }

    [Fact]
    public async Task DurableTimers_SameActionsAndOutcome()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks.AddOrchestrator<ParityTimers>(), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParityTimers), Cancellation);
        await host.Host.AdvanceTimeAsync(TimeSpan.FromHours(1), Cancellation);
        await host.Host.AdvanceTimeAsync(TimeSpan.FromMinutes(30), Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal($"{Start.AddHours(1):O}|{Start.AddMinutes(90):O}", result.ReadOutputAs<string>());
        var episodes = await host.CompareAsync<ParityTimers>(id, Cancellation);
        Assert.Equal(3, episodes.Count);
        OfficialReplay.AssertSame(episodes);
    }

    [Fact]
    public async Task ExternalEventWithTimeout_EventArrives_SameActionsAndOutcome()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks.AddOrchestrator<ParityApproval>(), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParityApproval), "INC-7", Cancellation);
        await host.Host.AdvanceTimeAsync(TimeSpan.FromMinutes(5), Cancellation);
        await host.Client.RaiseEventAsync(id, "approval", new Approval("alice", Approved: true), Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal("approved by alice", result.ReadOutputAs<string>());
        var episodes = await host.CompareAsync<ParityApproval>(id, Cancellation);
        Assert.Equal(2, episodes.Count);
        OfficialReplay.AssertSame(episodes);
    }

    [Fact]
    public async Task ExternalEventWithTimeout_TimeoutFires_SameActionsAndOutcome()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks
            .AddOrchestrator<ParityApproval>()
            .AddActivityFunc<string, string>("ParityEscalate", (_, incident) => $"escalated {incident}"), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParityApproval), "INC-8", Cancellation);
        await host.Host.AdvanceTimeAsync(TimeSpan.FromMinutes(15), Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal("escalated INC-8", result.ReadOutputAs<string>());
        var episodes = await host.CompareAsync<ParityApproval>(id, Cancellation);
        Assert.Equal(3, episodes.Count);
        OfficialReplay.AssertSame(episodes);
    }

    [Fact]
    public async Task SubOrchestration_ExplicitInstanceId_SameActionsAndOutcomeInParentAndChild()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks
            .AddOrchestrator<ParityParent>()
            .AddOrchestrator<ParityChild>()
            .AddActivityFunc<Stop, string>("ParityGreet", (_, stop) => $"Hello {stop.City} #{stop.Position}"), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(ParityParent), "Oslo", new StartOrchestrationOptions("parity-parent"), Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal("parent got: Hello Oslo #7 (parent ParityParent/parity-parent)", result.ReadOutputAs<string>());
        var parent = await host.CompareAsync<ParityParent>(id, Cancellation);
        var child = await host.CompareAsync<ParityChild>("parity-parent-child", Cancellation);
        Assert.Equal(2, parent.Count);
        Assert.Equal(2, child.Count);
        OfficialReplay.AssertSame([.. parent, .. child]);
    }

    [Fact]
    public async Task SubOrchestration_ImplicitInstanceId_EngineNamesChildByTaskId_OfficialByNewGuid()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks
            .AddOrchestrator<ParityImplicitParent>()
            .AddOrchestrator<ParityChild>()
            .AddActivityFunc<Stop, string>("ParityGreet", (_, stop) => $"Hello {stop.City} #{stop.Position}"), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(ParityImplicitParent), "Rome", new StartOrchestrationOptions("parity-implicit"), Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.StartsWith("parent got: Hello Rome #8 (parent ParityImplicitParent/parity-implicit); then ", result.ReadOutputAs<string>(), StringComparison.Ordinal);
        var parent = await host.CompareAsync<ParityImplicitParent>(id, Cancellation);
        var child = await host.CompareAsync<ParityChild>("parity-implicit:0000", Cancellation);
        OfficialReplay.AssertSame(child);

        // The official executor names the child with the parent's first NewGuid(), so the orchestrator's own next
        // NewGuid() is the second one there, and the first one on the engine.
        var officialChildId = GuidAt(id, Start, 0).ToString("N");
        OfficialReplay.AssertDifferences(
            parent,
            new EpisodeDifference(
                0,
                Engine: ["#0 CreateSubOrchestration ParityChild instance=parity-implicit:0000 {\"city\":\"Rome\",\"position\":8}", "CustomStatus <none>"],
                Official: [$"#0 CreateSubOrchestration ParityChild instance={officialChildId} {{\"city\":\"Rome\",\"position\":8}}", "CustomStatus <none>"]),
            new EpisodeDifference(
                1,
                Engine: [$"Complete Completed \"parent got: Hello Rome #8 (parent ParityImplicitParent/parity-implicit); then {GuidAt(id, Start, 0)}\"", "CustomStatus <none>"],
                Official: [$"Complete Completed \"parent got: Hello Rome #8 (parent ParityImplicitParent/parity-implicit); then {GuidAt(id, Start, 1)}\"", "CustomStatus <none>"]));
    }

    [Fact]
    public async Task RetryPolicy_FailsTwiceThenSucceeds_SameActionsAndOutcome()
    {
        int[] calls = [0];
        await using var host = await ParityHost.StartAsync(tasks => tasks
            .AddOrchestrator<ParityRetry>()
            .AddActivityFunc<string, string>("ParityFlaky", (_, payload) => Interlocked.Increment(ref calls[0]) is var attempt && attempt <= 2
                ? throw new InvalidOperationException($"attempt {attempt} failed")
                : $"{payload} on attempt {attempt}"), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParityRetry), 3, Cancellation);
        await host.Host.AdvanceTimeAsync(TimeSpan.FromSeconds(10), Cancellation);
        await host.Host.AdvanceTimeAsync(TimeSpan.FromSeconds(20), Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal("payload on attempt 3", result.ReadOutputAs<string>());
        var episodes = await host.CompareAsync<ParityRetry>(id, Cancellation);
        Assert.Equal(6, episodes.Count);
        OfficialReplay.AssertSame(episodes);
    }

    [Fact]
    public async Task RetryPolicy_AttemptsExhausted_OfficialAddsAnImmediateTimerBeforeFailing()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks
            .AddOrchestrator<ParityRetry>()
            .AddActivityFunc<string, string>("ParityFlaky", (_, _) => Throw<string>(new InvalidOperationException("always fails"))), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParityRetry), 2, Cancellation);
        await host.Host.AdvanceTimeAsync(TimeSpan.FromSeconds(10), Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        const string Failure = "Complete Failed Microsoft.DurableTask.TaskFailedException: Task 'ParityFlaky' (#2) failed with an unhandled exception: " +
            "always fails <- System.InvalidOperationException: always fails";
        var lastFailureAt = Start.AddSeconds(10);
        var episodes = await host.CompareAsync<ParityRetry>(id, Cancellation);
        OfficialReplay.AssertDifferences(
            episodes,
            new EpisodeDifference(3, Engine: [Failure, "CustomStatus <none>"], Official: [$"#3 CreateTimer {lastFailureAt:O}", "CustomStatus <none>"]));

        // DurableTask.Core's back-compat timer after the last attempt fires at once; then it fails as the engine did.
        var history = host.Recorder.ExecutionsOf(id)[0].History;
        var next = OfficialReplay.RunOfficial(
            id,
            [.. history.Where(e => e is not ExecutionCompleted), new TimerCreated(3, lastFailureAt) { Timestamp = lastFailureAt }],
            [new OrchestratorStarted { Timestamp = lastFailureAt }, new TimerFired(3, lastFailureAt) { Timestamp = lastFailureAt }],
            new ParityRetry());
        Assert.Equal([Failure, "CustomStatus <none>"], next);
    }

    [Fact]
    public async Task RetryPolicy_RetryTimeout_EngineCountsTheNextDelay_OfficialOnlyTheTimeSpent()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks
            .AddOrchestrator<ParityRetryTimeout>()
            .AddActivityFunc<string, string>("ParityFlaky", (_, _) => Throw<string>(new InvalidOperationException("always fails"))), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParityRetryTimeout), "payload", Cancellation);
        await host.Host.AdvanceTimeAsync(TimeSpan.FromSeconds(10), Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        // Second failure at 10 s: the engine gives up because 10 s + the next 20 s delay passes the 25 s timeout;
        // DurableTask.Core retries because 10 s is within it.
        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        var episodes = await host.CompareAsync<ParityRetryTimeout>(id, Cancellation);
        OfficialReplay.AssertDifferences(
            episodes,
            new EpisodeDifference(
                3,
                Engine:
                [
                    "Complete Failed Microsoft.DurableTask.TaskFailedException: Task 'ParityFlaky' (#2) failed with an unhandled exception: " +
                    "always fails <- System.InvalidOperationException: always fails",
                    "CustomStatus <none>",
                ],
                Official: [$"#3 CreateTimer {Start.AddSeconds(30):O}", "CustomStatus <none>"]));
    }

    [Fact]
    public async Task RetryHandler_SameActionsAndRetryContexts()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks
            .AddOrchestrator<ParityRetryHandler>()
            .AddActivityFunc<string, string>("ParityFlaky", (_, _) => Throw<string>(new InvalidOperationException("always fails"))), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParityRetryHandler), "payload", Cancellation);
        await host.Host.AdvanceTimeAsync(TimeSpan.FromSeconds(5), Cancellation);
        await host.Host.AdvanceTimeAsync(TimeSpan.FromSeconds(5), Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal(4, result.ReadOutputAs<List<string>>()!.Count);
        var episodes = await host.CompareAsync<ParityRetryHandler>(id, Cancellation);
        Assert.Equal(6, episodes.Count);
        OfficialReplay.AssertSame(episodes);
    }

    [Fact]
    public async Task ContinueAsNew_SameActionsAndOutcomeInEveryExecution()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks
            .AddOrchestrator<ParityCounter>()
            .AddActivityFunc<int, int>("ParityIncrement", (_, n) => n + 1), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParityCounter), 0, Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal(3, result.ReadOutputAs<int>());
        var episodes = await host.CompareAsync<ParityCounter>(id, Cancellation);
        Assert.Equal([0, 0, 1, 1, 2, 2], episodes.Select(e => e.Execution));
        OfficialReplay.AssertSame(episodes);
    }

    [Fact]
    public async Task OrchestratorThrows_SameFailure()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks
            .AddOrchestrator<ParityThrows>()
            .AddActivityFunc<Stop, string>("ParityGreet", (_, stop) => $"Hello {stop.City} #{stop.Position}"), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParityThrows), "Lima", Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        var episodes = await host.CompareAsync<ParityThrows>(id, Cancellation);
        OfficialReplay.AssertSame(episodes);
    }

    [Fact]
    public async Task ActivityFailureNotCaught_SameFailure()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks
            .AddOrchestrator<ParityUncaught>()
            .AddActivityFunc<string, string>("ParityBoom", (_, input) => Throw<string>(new InvalidOperationException($"boom for {input}"))), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParityUncaught), "Quito", Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        var episodes = await host.CompareAsync<ParityUncaught>(id, Cancellation);
        OfficialReplay.AssertSame(episodes);
    }

    [Fact]
    public async Task FireAndForgetActivity_BothSchedule_EngineCompletesAtOnce_OfficialAfterTheResult()
    {
        int[] notified = [0];
        await using var host = await ParityHost.StartAsync(tasks => tasks
            .AddOrchestrator<ParityFireAndForget>()
            .AddActivityFunc<string>("ParityNotify", (_, _) => Interlocked.Increment(ref notified[0])), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParityFireAndForget), "ops", Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);
        await host.Host.WaitForIdleAsync(Cancellation);

        // The engine sends what the last episode scheduled with the completion: the activity runs once.
        Assert.Equal("sent", result.ReadOutputAs<string>());
        Assert.Equal(1, Volatile.Read(ref notified[0]));
        var episodes = await host.CompareAsync<ParityFireAndForget>(id, Cancellation);
        OfficialReplay.AssertDifferences(
            episodes,
            new EpisodeDifference(
                0,
                Engine: ["#0 ScheduleTask ParityNotify \"ops\"", "Complete Completed \"sent\"", "CustomStatus <none>"],
                Official: ["#0 ScheduleTask ParityNotify \"ops\"", "CustomStatus <none>"]));

        // DurableTask.Core completes only when no task is open: after the activity's result.
        var history = host.Recorder.ExecutionsOf(id)[0].History;
        var next = OfficialReplay.RunOfficial(
            id,
            [.. history.Where(e => e is not ExecutionCompleted)],
            [new OrchestratorStarted { Timestamp = Start }, new TaskCompleted(0, null) { Timestamp = Start }],
            new ParityFireAndForget());
        Assert.Equal(["Complete Completed \"sent\"", "CustomStatus <none>"], next);
    }

    [Fact]
    public async Task RaceWithoutCancellingTheTimer_EngineCompletesAtOnce_OfficialWaitsForTheTimer()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks
            .AddOrchestrator<ParityRace>()
            .AddActivityFunc<Stop, string>("ParityGreet", (_, stop) => $"Hello {stop.City} #{stop.Position}"), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParityRace), "Kyiv", Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal("Hello Kyiv #1", result.ReadOutputAs<string>());
        var episodes = await host.CompareAsync<ParityRace>(id, Cancellation);
        OfficialReplay.AssertDifferences(
            episodes,
            new EpisodeDifference(1, Engine: ["Complete Completed \"Hello Kyiv #1\"", "CustomStatus <none>"], Official: ["CustomStatus <none>"]));

        // The official executor completes, with the result it already has, once the timer fires an hour later.
        var history = host.Recorder.ExecutionsOf(id)[0].History;
        var firesAt = Start.AddHours(1);
        var next = OfficialReplay.RunOfficial(
            id,
            [.. history.Where(e => e is not ExecutionCompleted)],
            [new OrchestratorStarted { Timestamp = firesAt }, new TimerFired(1, firesAt) { Timestamp = firesAt }],
            new ParityRace());
        Assert.Equal(["Complete Completed \"Hello Kyiv #1\"", "CustomStatus <none>"], next);
    }

    [Fact]
    public async Task EventAlreadyBufferedWhenWaitWithTimeoutBegins_BothRecordTheTimeoutTimer()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks.AddOrchestrator<ParityBufferedEvent>(), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParityBufferedEvent), Cancellation);
        await host.Host.WaitForIdleAsync(Cancellation);
        await host.Client.RaiseEventAsync(id, "go", "early", Cancellation);
        await host.Host.AdvanceTimeAsync(TimeSpan.FromMinutes(5), Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal("early", result.ReadOutputAs<string>());
        var episodes = await host.CompareAsync<ParityBufferedEvent>(id, Cancellation);
        OfficialReplay.AssertSame(episodes);
    }

    [Fact]
    public async Task TimerLongerThanMaximumTimerInterval_EngineOneTimer_OfficialThreeDayChunks()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks.AddOrchestrator<ParityLongTimer>(), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParityLongTimer), Cancellation);
        await host.Host.AdvanceTimeAsync(TimeSpan.FromDays(7), Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal($"{Start.AddDays(7):O}", result.ReadOutputAs<string>());
        var episodes = await host.CompareAsync<ParityLongTimer>(id, Cancellation);
        OfficialReplay.AssertDifferences(
            episodes,
            new EpisodeDifference(0, Engine: [$"#0 CreateTimer {Start.AddDays(7):O}", "CustomStatus <none>"], Official: [$"#0 CreateTimer {Start.AddDays(3):O}", "CustomStatus <none>"]),
            new EpisodeDifference(1, Engine: [$"Complete Completed \"{Start.AddDays(7):O}\"", "CustomStatus <none>"], Official: [$"#1 CreateTimer {Start.AddDays(7):O}", "CustomStatus <none>"]));
    }

    [Fact]
    public async Task TwoWaitsOnOneEventName_EngineFirstWaiterFirst_OfficialLatestWaiterFirst()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks.AddOrchestrator<ParitySameNameWaiters>(), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParitySameNameWaiters), Cancellation);
        await host.Host.WaitForIdleAsync(Cancellation);
        await host.Client.RaiseEventAsync(id, "step", "a", Cancellation);
        await host.Host.WaitForIdleAsync(Cancellation);
        await host.Client.RaiseEventAsync(id, "step", "b", Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal("first=a second=b", result.ReadOutputAs<string>());
        var episodes = await host.CompareAsync<ParitySameNameWaiters>(id, Cancellation);
        OfficialReplay.AssertDifferences(
            episodes,
            new EpisodeDifference(2, Engine: ["Complete Completed \"first=a second=b\"", "CustomStatus <none>"], Official: ["Complete Completed \"first=b second=a\"", "CustomStatus <none>"]));
    }

    [Fact]
    public async Task SuspendAndResume_SameActionsAndOutcome()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks.AddOrchestrator<ParitySuspendable>(), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParitySuspendable), Cancellation);
        await host.Host.WaitForIdleAsync(Cancellation);
        await host.Client.SuspendInstanceAsync(id, "maintenance", Cancellation);
        await host.Host.WaitForIdleAsync(Cancellation);
        await host.Client.RaiseEventAsync(id, "go", "now", Cancellation);
        await host.Host.AdvanceTimeAsync(TimeSpan.FromMinutes(10), Cancellation);
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await host.Client.GetInstanceAsync(id, Cancellation))!.RuntimeStatus);
        await host.Client.ResumeInstanceAsync(id, "done", Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal($"went now at {Start.AddMinutes(10):O}", result.ReadOutputAs<string>());
        var episodes = await host.CompareAsync<ParitySuspendable>(id, Cancellation);
        Assert.Equal(4, episodes.Count);
        OfficialReplay.AssertSame(episodes);
    }

    [Fact]
    public async Task SubOrchestrationFails_SameFailureInChildAndParent()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks
            .AddOrchestrator<ParityParentOfFailing>()
            .AddOrchestrator<ParityFailingChild>(), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(ParityParentOfFailing), "Cairo", new StartOrchestrationOptions("parity-failing"), Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Contains("child cannot handle 'Cairo'", result.ReadOutputAs<string>(), StringComparison.Ordinal);
        var parent = await host.CompareAsync<ParityParentOfFailing>(id, Cancellation);
        var child = await host.CompareAsync<ParityFailingChild>("parity-failing-child", Cancellation);
        Assert.Equal(2, parent.Count);
        Assert.Single(child);
        OfficialReplay.AssertSame([.. parent, .. child]);
    }

    [Fact]
    public async Task NewGuid_SameGuids()
    {
        await using var host = await ParityHost.StartAsync(tasks => tasks.AddOrchestrator<ParityGuids>(), Cancellation);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParityGuids), new StartOrchestrationOptions("parity-guids"), Cancellation);
        await host.Host.AdvanceTimeAsync(TimeSpan.FromMinutes(1), Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal(3, result.ReadOutputAs<string>()!.Split('|').Distinct().Count());
        var episodes = await host.CompareAsync<ParityGuids>(id, Cancellation);
        OfficialReplay.AssertSame(episodes);
    }

    /// <summary>The GUID both executors derive for the <paramref name="counter"/>th NewGuid() of an episode at <paramref name="at"/>.</summary>
    private static Guid GuidAt(string instanceId, DateTime at, int counter)
    {
        // RFC 4122 version 5 in the Durable Task namespace over "{instance}_{time:o}_{counter}", as both implement it.
        var name = Encoding.UTF8.GetBytes($"{instanceId}_{at.ToString("o", CultureInfo.InvariantCulture)}_{counter.ToString(CultureInfo.InvariantCulture)}");
        var namespaceBytes = new Guid("9e952958-5e33-4daf-827f-2fa12937b875").ToByteArray(bigEndian: true);
#pragma warning disable CA5350 // SHA-1 is what RFC 4122 version 5 specifies; it is not used for security.
        var hash = SHA1.HashData([.. namespaceBytes, .. name]);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
