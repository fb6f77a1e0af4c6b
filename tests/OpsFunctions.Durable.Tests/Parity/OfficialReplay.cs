using System.Globalization;
using System.Text.Json;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OpsFunctions.Durable.History;
using P = Microsoft.DurableTask.Protobuf;

namespace OpsFunctions.Durable.Tests.Parity;

/// <summary>
/// Replays the episodes the engine recorded through Microsoft's executor (<see cref="GrpcOrchestrationRunner"/>, the
/// replay path of Durable Functions' .NET isolated worker) and sets the actions each produced side by side.
/// </summary>
/// <remarks>
/// Episode k of an execution is replayed with the events of episodes before it as past events and its own inputs
/// (the OrchestratorStarted, the start, results, timers fired, events raised) as new events. The engine's side of the
/// episode is what it recorded after those inputs: TaskScheduled, TimerCreated, SubOrchestrationInstanceCreated and
/// ExecutionCompleted. Both sides read and write payloads with the engine's data converter
/// (<see cref="JsonDataConverter"/>), given to the runner through the <see cref="DurableTaskShimFactory"/> it takes from
/// its service provider, as a worker's <c>DurableTaskWorkerOptions.DataConverter</c>; the other worker options keep
/// their defaults (a <c>MaximumTimerInterval</c> of three days among them).
/// </remarks>
internal static class OfficialReplay
{
    private static readonly IServiceProvider RunnerServices = new ServiceCollection()
        .AddSingleton(new DurableTaskShimFactory(
            new DurableTaskWorkerOptions { DataConverter = JsonDataConverter.Default },
            NullLoggerFactory.Instance))
        .BuildServiceProvider();

    /// <summary>Replays every execution of an instance and compares each episode.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="executions">Its recorded executions.</param>
    /// <param name="orchestrator">Creates the orchestrator the engine ran, for the official runner.</param>
    /// <returns>One comparison per episode, in order.</returns>
    public static IReadOnlyList<EpisodeParity> Compare(string instanceId, IReadOnlyList<RecordedExecution> executions, Func<ITaskOrchestrator> orchestrator)
    {
        var comparisons = new List<EpisodeParity>();
        for (var execution = 0; execution < executions.Count; execution++)
        {
            var started = executions[execution].History.OfType<ExecutionStarted>().Single();
            var past = new List<P.HistoryEvent>();
            var episodes = executions[execution].Episodes;
            for (var index = 0; index < episodes.Count; index++)
            {
                var episode = episodes[index];
                var newEvents = episode.Events.Where(IsInput).Select(e => ProtoHistory.ToProto(e, instanceId)).ToList();
                var request = ProtoHistory.EncodeRequest(instanceId, started.ExecutionId, past, newEvents);
                var response = ProtoHistory.DecodeResponse(GrpcOrchestrationRunner.LoadAndRun(request, orchestrator(), RunnerServices));

                var engine = episode.Events.Where(e => !IsInput(e)).Select(Describe).Append(DescribeStatus(episode.CustomStatus)).ToList();
                var official = response.Actions.Select(Describe).Append(DescribeStatus(response.CustomStatus)).ToList();
                comparisons.Add(new EpisodeParity(instanceId, execution, index, DescribeInputs(episode.Events), engine, official));
                past.AddRange(episode.Events.Select(e => ProtoHistory.ToProto(e, instanceId)));
            }
        }

        return comparisons;
    }

    /// <summary>
    /// Runs one episode through Microsoft's executor from a history written here, to follow the official executor
    /// where the engine's history ends: after an action the engine did not take.
    /// </summary>
    /// <returns>The official executor's actions, then the custom status.</returns>
    public static IReadOnlyList<string> RunOfficial(
        string instanceId, IReadOnlyList<HistoryEvent> past, IReadOnlyList<HistoryEvent> newEvents, ITaskOrchestrator orchestrator)
    {
        var started = past.Concat(newEvents).OfType<ExecutionStarted>().Single();
        var request = ProtoHistory.EncodeRequest(
            instanceId,
            started.ExecutionId,
            past.Select(e => ProtoHistory.ToProto(e, instanceId)),
            newEvents.Select(e => ProtoHistory.ToProto(e, instanceId)));
        var response = ProtoHistory.DecodeResponse(GrpcOrchestrationRunner.LoadAndRun(request, orchestrator, RunnerServices));
        return response.Actions.Select(Describe).Append(DescribeStatus(response.CustomStatus)).ToList();
    }

    /// <summary>
    /// Asserts that the executors disagree in exactly the given episodes, in exactly the given way, and agree in all
    /// the others.
    /// </summary>
    public static void AssertDifferences(IReadOnlyList<EpisodeParity> episodes, params EpisodeDifference[] expected)
    {
        var actual = episodes.Select((e, index) => (e, index)).Where(x => !x.e.Matches).ToList();
        Assert.True(
            actual.Select(x => x.index).SequenceEqual(expected.Select(d => d.Episode)),
            $"Expected differences in episodes [{string.Join(", ", expected.Select(d => d.Episode))}], found them in " +
            $"[{string.Join(", ", actual.Select(x => x.index))}]:\n{string.Join("\n", actual.Select(x => x.e))}");
        foreach (var difference in expected)
        {
            Assert.Equal(difference.Engine, episodes[difference.Episode].Engine);
            Assert.Equal(difference.Official, episodes[difference.Episode].Official);
        }
    }

    /// <summary>Fails with every episode where the two executors disagree.</summary>
    public static void AssertSame(IReadOnlyList<EpisodeParity> episodes)
    {
        var differences = episodes.Where(e => !e.Matches).ToList();
        if (differences.Count > 0)
        {
            Assert.Fail($"The engine and Microsoft's executor disagree in {differences.Count} of {episodes.Count} episodes:\n" +
                string.Join("\n", differences));
        }
    }

    /// <summary>Whether an engine event is an input of its episode (what the runner gets as a new event).</summary>
    private static bool IsInput(HistoryEvent historyEvent)
        => historyEvent is not (TaskScheduled or TimerCreated or SubOrchestrationInstanceCreated or ExecutionCompleted or ExecutionTerminated);

    private static string Describe(HistoryEvent historyEvent) => historyEvent switch
    {
        TaskScheduled e => $"#{e.TaskId} ScheduleTask {e.Name} {Payload(e.Input)}",
        TimerCreated e => $"#{e.TaskId} CreateTimer {Time(e.FireAt.UtcDateTime)}",
        SubOrchestrationInstanceCreated e => $"#{e.TaskId} CreateSubOrchestration {e.Name} instance={e.InstanceId} {Payload(e.Input)}",
        ExecutionCompleted e => DescribeCompletion(e.Status.ToString(), e.Result, e.Failure is { } f ? ProtoHistory.ToProto(f) : null, carryover: 0),
        ExecutionTerminated e => $"Terminated {Payload(e.Output)}",
        _ => throw new ArgumentOutOfRangeException(nameof(historyEvent), historyEvent.GetType().Name, "Not an action."),
    };

    private static string Describe(P.OrchestratorAction action) => action.OrchestratorActionTypeCase switch
    {
        P.OrchestratorAction.OrchestratorActionTypeOneofCase.ScheduleTask
            => $"#{action.Id} ScheduleTask {action.ScheduleTask.Name} {Payload(UnwrapActivityInput(action.ScheduleTask.Input))}",
        P.OrchestratorAction.OrchestratorActionTypeOneofCase.CreateTimer
            => $"#{action.Id} CreateTimer {Time(action.CreateTimer.FireAt.ToDateTime())}",
        P.OrchestratorAction.OrchestratorActionTypeOneofCase.CreateSubOrchestration
            => $"#{action.Id} CreateSubOrchestration {action.CreateSubOrchestration.Name} instance={action.CreateSubOrchestration.InstanceId} {Payload(action.CreateSubOrchestration.Input)}",
        P.OrchestratorAction.OrchestratorActionTypeOneofCase.SendEvent
            => $"#{action.Id} SendEvent {action.SendEvent.Instance.InstanceId} {action.SendEvent.Name} {Payload(action.SendEvent.Data)}",
        P.OrchestratorAction.OrchestratorActionTypeOneofCase.CompleteOrchestration
            => DescribeCompletion(
                action.CompleteOrchestration.OrchestrationStatus.ToString(),
                action.CompleteOrchestration.Result,
                action.CompleteOrchestration.FailureDetails,
                action.CompleteOrchestration.CarryoverEvents.Count),
        _ => $"#{action.Id} {action.OrchestratorActionTypeCase}",
    };

    /// <summary>
    /// The Durable Task Framework sends an activity's input as the JSON array of its parameters (one for the .NET SDK,
    /// whose activity shim strips the brackets again); the engine sends the input itself. The element is compared.
    /// </summary>
    private static string? UnwrapActivityInput(string? input)
    {
        if (input is null || !input.StartsWith('['))
        {
            return input;
        }

        using var parameters = JsonDocument.Parse(input);
        return parameters.RootElement.GetArrayLength() switch
        {
            0 => null,
            1 => parameters.RootElement[0].GetRawText(),
            _ => input,
        };
    }

    private static string DescribeCompletion(string status, string? result, P.TaskFailureDetails? failure, int carryover)
    {
        var text = status == "Failed" ? $"Complete Failed {DescribeFailure(failure)}" : $"Complete {status} {Payload(result)}";
        return carryover == 0 ? text : $"{text} carryover={carryover}";
    }

    private static string DescribeFailure(P.TaskFailureDetails? failure)
        => failure is null ? "<no failure details>"
            : failure.InnerFailure is null ? $"{failure.ErrorType}: {failure.ErrorMessage}"
            : $"{failure.ErrorType}: {failure.ErrorMessage} <- {DescribeFailure(failure.InnerFailure)}";

    private static string DescribeStatus(string? customStatus) => $"CustomStatus {Payload(customStatus)}";

    private static string DescribeInputs(IEnumerable<HistoryEvent> events)
        => string.Join(", ", events.Where(IsInput).Select(e => e switch
        {
            TaskCompleted c => $"TaskCompleted #{c.TaskScheduledId}",
            TaskFailed f => $"TaskFailed #{f.TaskScheduledId}",
            TimerFired t => $"TimerFired #{t.TimerId}",
            SubOrchestrationInstanceCompleted c => $"SubOrchestrationInstanceCompleted #{c.TaskScheduledId}",
            SubOrchestrationInstanceFailed f => $"SubOrchestrationInstanceFailed #{f.TaskScheduledId}",
            EventRaised r => $"EventRaised {r.Name}",
            _ => e.GetType().Name,
        }));

    private static string Payload(string? json) => json ?? "<none>";

    private static string Time(DateTime utc) => utc.ToString("O", CultureInfo.InvariantCulture);
}

/// <summary>An expected disagreement: what each executor does in one episode.</summary>
/// <param name="Episode">The episode's position in the compared list.</param>
/// <param name="Engine">The engine's actions, then the custom status.</param>
/// <param name="Official">The official executor's actions, then the custom status.</param>
internal sealed record EpisodeDifference(int Episode, string[] Engine, string[] Official);

/// <summary>What the engine recorded and what Microsoft's executor produced for one episode.</summary>
/// <param name="InstanceId">The instance.</param>
/// <param name="Execution">The execution, from 0 (each continue-as-new starts the next).</param>
/// <param name="Episode">The episode within the execution, from 0.</param>
/// <param name="Inputs">The new events the episode applied.</param>
/// <param name="Engine">The engine's actions, then the custom status.</param>
/// <param name="Official">The official executor's actions, then the custom status.</param>
internal sealed record EpisodeParity(
    string InstanceId, int Execution, int Episode, string Inputs, IReadOnlyList<string> Engine, IReadOnlyList<string> Official)
{
    /// <summary>Gets whether both produced the same actions, ids and payloads included.</summary>
    public bool Matches => Engine.SequenceEqual(Official, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override string ToString()
        => $"{InstanceId} execution {Execution} episode {Episode} (after {Inputs}):\n" +
           $"  engine:   {string.Join(" | ", Engine)}\n" +
           $"  official: {string.Join(" | ", Official)}";
}
