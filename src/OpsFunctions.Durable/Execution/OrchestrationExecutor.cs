using Microsoft.Extensions.Logging;
using OpsFunctions.Durable.History;

namespace OpsFunctions.Durable.Execution;

/// <summary>
/// Runs one execution of an orchestrator against its history. The executor keeps the suspended code
/// between episodes, so a cached executor only needs the new events; a fresh one replays the past first.
/// </summary>
internal sealed class OrchestrationExecutor
{
    private readonly ITaskOrchestrator? _orchestrator;
    private readonly DataConverter _converter;
    private readonly ReplaySynchronizationContext _scheduler = new();
    private readonly ReplayOrchestrationContext _context;
    private readonly List<HistoryEvent> _heldWhileSuspended = [];
    private Task<object?>? _run;
    private bool _suspended;
    private ExecutionOutcome? _outcome;

    public OrchestrationExecutor(
        string instanceId, TaskName name, ITaskOrchestrator? orchestrator, DataConverter converter, ILoggerFactory loggerFactory)
    {
        _orchestrator = orchestrator;
        _converter = converter;
        _context = new ReplayOrchestrationContext(instanceId, name, converter, loggerFactory);
    }

    /// <summary>
    /// Applies <paramref name="past"/> as replay, then <paramref name="newEvents"/> as new, and returns what
    /// the code asked for that history does not record yet.
    /// </summary>
    /// <exception cref="NonDeterminismException">The code does not match its history.</exception>
    public EpisodeResult Execute(IReadOnlyList<HistoryEvent> past, IReadOnlyList<HistoryEvent> newEvents)
    {
        var previousCustomStatus = _context.CustomStatus;
        _context.Replaying = true;
        foreach (var historyEvent in past)
        {
            Apply(historyEvent);
        }

        _context.Replaying = false;
        var consumed = 0;
        foreach (var historyEvent in newEvents)
        {
            if (_outcome is not null)
            {
                break;
            }

            Apply(historyEvent);
            consumed++;
        }

        // Events of this episode after the one the execution ended on never reached it: for ContinueAsNew that keeps
        // unprocessed events they go to the next execution with those it had buffered, as Durable Functions does.
#pragma warning disable CS0618 // The official status is obsolete for clients; the engine records it between executions.
        if (_outcome is { Status: OrchestrationRuntimeStatus.ContinuedAsNew, CarriedEvents: var carried }
#pragma warning restore CS0618
            && _context.ContinueAsNewRequest is { PreserveUnprocessedEvents: true }
            && consumed < newEvents.Count)
        {
            _outcome = _outcome with { CarriedEvents = [.. carried, .. newEvents.Skip(consumed).OfType<EventRaised>()] };
        }

        // What the code scheduled on its way to completing or continuing as new still goes out: a fire-and-forget activity
        // runs, an event sent just before returning arrives. A failed execution sends nothing more.
        var actions = _outcome is not { Status: OrchestrationRuntimeStatus.Failed } ? _context.TakeUnrecordedActions() : [];
        return new EpisodeResult(
            actions,
            _outcome,
            consumed,
            _context.CustomStatus,
            !string.Equals(previousCustomStatus, _context.CustomStatus, StringComparison.Ordinal));
    }

    private void Apply(HistoryEvent historyEvent)
    {
        if (_suspended && IsHeldWhileSuspended(historyEvent))
        {
            _heldWhileSuspended.Add(historyEvent);
            return;
        }

        _scheduler.Run(() => Dispatch(historyEvent));
        CheckCompletion();
    }

    private static bool IsHeldWhileSuspended(HistoryEvent historyEvent)
        => historyEvent is not (ExecutionResumed or ExecutionSuspended or OrchestratorStarted or ExecutionTerminated);

    private void Dispatch(HistoryEvent historyEvent)
    {
        switch (historyEvent)
        {
            case OrchestratorStarted:
                _context.CurrentTime = historyEvent.Timestamp;
                break;
            case ExecutionStarted started:
                Start(started);
                break;
            case TaskScheduled scheduled:
                _context.MatchRecorded(
                    scheduled.TaskId,
                    $"CallActivity '{scheduled.Name}' (#{scheduled.TaskId})",
                    action => action is ScheduleTaskAction task && string.Equals(task.Name, scheduled.Name, StringComparison.OrdinalIgnoreCase));
                break;
            case TimerCreated timer:
                _context.MatchRecorded(timer.TaskId, $"CreateTimer {timer.FireAt:O} (#{timer.TaskId})", action => action is CreateTimerAction);
                break;
            case SubOrchestrationInstanceCreated created:
                _context.MatchRecorded(
                    created.TaskId,
                    $"CallSubOrchestrator '{created.Name}' instance '{created.InstanceId}' (#{created.TaskId})",
                    action => action is CreateSubOrchestrationAction sub
                        && string.Equals(sub.Name, created.Name, StringComparison.OrdinalIgnoreCase)
                        && string.Equals(sub.InstanceId, created.InstanceId, StringComparison.Ordinal));
                break;
            case EventSent sent:
                _context.MatchRecorded(
                    sent.TaskId,
                    $"SendEvent '{sent.Name}' to instance '{sent.InstanceId}' (#{sent.TaskId})",
                    action => action is SendEventAction send
                        && string.Equals(send.Name, sent.Name, StringComparison.OrdinalIgnoreCase)
                        && string.Equals(send.InstanceId, sent.InstanceId, StringComparison.Ordinal));
                break;
            case TaskCompleted completed:
                _context.CompleteTask(completed.TaskScheduledId, completed.Result);
                break;
            case TaskFailed failed:
                _context.FailTask(failed.TaskScheduledId, failed.Failure);
                break;
            case TimerFired fired:
                _context.CompleteTask(fired.TimerId, null);
                break;
            case SubOrchestrationInstanceCompleted completed:
                _context.CompleteTask(completed.TaskScheduledId, completed.Result);
                break;
            case SubOrchestrationInstanceFailed failed:
                _context.FailTask(failed.TaskScheduledId, failed.Failure);
                break;
            case EventRaised raised:
                _context.DeliverEvent(raised);
                break;
            case ExecutionSuspended:
                _suspended = true;
                break;
            case ExecutionResumed:
                _suspended = false;
                var held = _heldWhileSuspended.ToList();
                _heldWhileSuspended.Clear();
                foreach (var heldEvent in held)
                {
                    Dispatch(heldEvent);
                }

                break;
        }
    }

    private void Start(ExecutionStarted started)
    {
        _context.SetStarted(started);
        if (_orchestrator is null)
        {
            _outcome = ExecutionOutcome.Failed(Failures.Create(
                "OrchestratorNotFound", $"No orchestrator named '{started.Name}' is registered with this worker."));
            return;
        }

        object? input;
        try
        {
            input = _converter.Deserialize(started.Input, _orchestrator.InputType);
        }
        catch (Exception exception)
        {
            _outcome = ExecutionOutcome.Failed(Failures.Create(
                exception.GetType().FullName!,
                $"The input of orchestrator '{started.Name}' does not deserialize to {_orchestrator.InputType.Name}: {exception.Message}"));
            return;
        }

        try
        {
            _run = _orchestrator.RunAsync(_context, input);
        }
        catch (Exception exception)
        {
            _run = Task.FromException<object?>(exception);
        }
    }

    private void CheckCompletion()
    {
        if (_outcome is null && _scheduler.Violation is { } violation)
        {
            _outcome = ExecutionOutcome.Failed(Failures.Create(NonDeterminismException.ErrorType, violation));
            return;
        }

        if (_outcome is not null || _run is not { IsCompleted: true } run)
        {
            return;
        }

        try
        {
#pragma warning disable VSTHRD002 // The task has completed; this only unwraps its result or exception.
            var output = run.GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
            if (_context.ContinueAsNewRequest is { } request)
            {
                var carried = request.PreserveUnprocessedEvents ? _context.BufferedEvents.ToList() : [];
#pragma warning disable CS0618 // The official status is obsolete for clients; the engine records it between executions.
                _outcome = new ExecutionOutcome(OrchestrationRuntimeStatus.ContinuedAsNew, request.Input, null, carried);
#pragma warning restore CS0618
                return;
            }

            string? serializedOutput;
            try
            {
                serializedOutput = _converter.Serialize(output);
            }
            catch (Exception exception)
            {
                _outcome = ExecutionOutcome.Failed(Failures.Create(
                    exception.GetType().FullName!,
                    $"The output of orchestrator '{_context.Name}' does not serialize: {exception.Message}"));
                return;
            }

            _outcome = new ExecutionOutcome(OrchestrationRuntimeStatus.Completed, serializedOutput, null, []);
        }
        catch (Exception exception)
        {
            _outcome = ExecutionOutcome.Failed(Failures.FromException(exception));
        }
    }
}

/// <summary>What one episode of an executor produced.</summary>
/// <param name="Actions">The actions to record and send, in task id order.</param>
/// <param name="Outcome">How the execution ended, if it did.</param>
/// <param name="ConsumedNewEvents">How many new events were applied before the execution ended.</param>
/// <param name="CustomStatus">The custom status as JSON.</param>
/// <param name="CustomStatusChanged">Whether the episode changed the custom status.</param>
internal sealed record EpisodeResult(
    IReadOnlyList<OrchestratorAction> Actions,
    ExecutionOutcome? Outcome,
    int ConsumedNewEvents,
    string? CustomStatus,
    bool CustomStatusChanged);

/// <summary>How an execution ended.</summary>
/// <param name="Status">Completed, Failed or ContinuedAsNew.</param>
/// <param name="Output">The output, or the next input for ContinuedAsNew.</param>
/// <param name="Failure">The failure, for Failed.</param>
/// <param name="CarriedEvents">Events to deliver to the next execution, for ContinuedAsNew.</param>
internal sealed record ExecutionOutcome(
    OrchestrationRuntimeStatus Status, string? Output, TaskFailureDetails? Failure, IReadOnlyList<EventRaised> CarriedEvents)
{
    public static ExecutionOutcome Failed(TaskFailureDetails failure)
        => new(OrchestrationRuntimeStatus.Failed, null, failure, []);
}
