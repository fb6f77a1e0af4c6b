using OpsFunctions.Durable.Execution;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Worker;

/// <summary>
/// Turns the locked messages of one instance into an episode: drops duplicates and stale messages,
/// runs the orchestrator code, and builds the commit (history, head, outbound messages).
/// </summary>
internal sealed class EpisodePlanner(Func<string, string, OrchestrationExecutor> createExecutor, int maxDequeueCount)
{
    public OrchestrationCommit Plan(OrchestrationSession session, InstanceRecord head, IReadOnlyList<QueuedMessage> messages, DateTimeOffset now)
    {
        var episode = new Episode(session, head, now);
        if (messages.Any(m => m.DequeueCount > maxDequeueCount) && session.History.IsRunning)
        {
            var dequeues = messages.Max(m => m.DequeueCount);
            episode.End(ExecutionOutcome.Failed(Failures.Create(
                "PoisonMessage",
                $"Processing the messages of instance '{head.InstanceId}' failed {dequeues - 1} times; the instance was failed instead of retrying forever.")));
            return episode.ToCommit();
        }

        foreach (var queued in messages)
        {
            Accept(episode, queued.Message);
        }

        if (episode.Terminated is { } termination)
        {
            episode.Terminate(termination);
        }
        else if (session.History.IsRunning && episode.Events.Count > 1)
        {
            Run(episode);
        }

        return episode.ToCommit();
    }

    private static void Accept(Episode episode, OrchestrationMessage message)
    {
        var history = episode.Session.History;
        var historyEvent = message.Event;
        if (historyEvent is ExecutionStarted start)
        {
            AcceptStart(episode, start);
            return;
        }

        if (episode.Terminated is not null || history.IsEnded)
        {
            return;
        }

        // Before the start is processed (a scheduled start) there is no current execution: completions are
        // stale and dropped, while events and control requests are held in history until it starts.
        var currentExecution = history.Started is not null
            && string.Equals(message.ExecutionId, history.Started.ExecutionId, StringComparison.Ordinal);
        switch (historyEvent)
        {
            case TaskCompleted e when currentExecution && history.IsAwaiting(e.TaskScheduledId):
            case TaskFailed f when currentExecution && history.IsAwaiting(f.TaskScheduledId):
            case TimerFired t when currentExecution && history.IsAwaiting(t.TimerId):
            case SubOrchestrationInstanceCompleted c when currentExecution && history.IsAwaiting(c.TaskScheduledId):
            case SubOrchestrationInstanceFailed sf when currentExecution && history.IsAwaiting(sf.TaskScheduledId):
            case EventRaised raised when !history.HasEvent(raised.EventId):
            case ExecutionSuspended when !history.IsSuspended:
            case ExecutionResumed when history.IsSuspended:
                episode.Add(historyEvent);
                break;
            case ExecutionTerminated terminated:
                episode.Terminated = terminated;
                break;
        }
    }

    private static void AcceptStart(Episode episode, ExecutionStarted start)
    {
        var history = episode.Session.History;
        if (history.IsRunning || episode.Terminated is not null)
        {
            if (start.Parent is { } parent && !string.Equals(start.ExecutionId, history.Started?.ExecutionId, StringComparison.Ordinal))
            {
                episode.NotifyParent(parent, new SubOrchestrationInstanceFailed(
                    parent.TaskScheduledId,
                    Failures.Create(
                        "InstanceAlreadyRunning",
                        $"Sub-orchestration instance '{episode.Head.InstanceId}' is already running; it must end before the id can be reused."))
                { Timestamp = episode.Now });
            }

            return;
        }

        if (history.Started is null && history.IsEnded)
        {
            // Terminated before it started: this is the original scheduled start arriving late.
            return;
        }

        if (string.Equals(start.ExecutionId, history.Started?.ExecutionId, StringComparison.Ordinal))
        {
            // The start of the execution that ran and ended, delivered again (a send retried after its answer was
            // lost, a create's start sent again): starting afresh would run the instance a second time.
            return;
        }

        if (history.Started is not null)
        {
            // The previous execution ended (completed, failed, terminated or continued as new): start afresh.
            episode.ReplaceHistory();
        }

        episode.Add(start);
    }

    private void Run(Episode episode)
    {
        var session = episode.Session;
        EpisodeResult result;
        try
        {
            if (session.Executor is null)
            {
                session.Executor = createExecutor(session.InstanceId, session.History.Started!.Name);
                result = session.Executor.Execute(episode.PastEvents, episode.Events);
            }
            else
            {
                result = session.Executor.Execute([], episode.Events);
            }
        }
        catch (NonDeterminismException exception)
        {
            session.Executor = null;
            episode.End(ExecutionOutcome.Failed(Failures.Create(NonDeterminismException.ErrorType, exception.Message, exception.StackTrace)));
            return;
        }
        catch (Exception exception)
        {
            session.Executor = null;
            episode.End(ExecutionOutcome.Failed(Failures.FromException(exception)));
            return;
        }

        episode.CustomStatus = result.CustomStatus;
        episode.TruncateNewEvents(result.ConsumedNewEvents);
        foreach (var action in result.Actions)
        {
            episode.Record(action);
        }

        if (result.Outcome is { } outcome)
        {
            episode.End(outcome);
        }
    }
}
