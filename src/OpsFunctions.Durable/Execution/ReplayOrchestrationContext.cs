using System.Security.Cryptography;
using System.Text;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.Logging;
using OpsFunctions.Durable.History;

namespace OpsFunctions.Durable.Execution;

/// <summary>
/// The official orchestration context, as the executor hands it to orchestrator code. Every member runs on the
/// replay scheduler; no member may await with ConfigureAwait(false).
/// </summary>
#pragma warning disable CA2007 // Continuations must stay on the replay scheduler.
internal sealed class ReplayOrchestrationContext : TaskOrchestrationContext
{
    private static readonly Guid GuidNamespace = new("9e952958-5e33-4daf-827f-2fa12937b875");

    private readonly DataConverter _converter;
    private readonly ILoggerFactory _loggerFactory;
    private readonly Dictionary<int, OpenTask> _openTasks = [];
    private readonly SortedDictionary<int, OrchestratorAction> _unrecordedActions = [];
    private readonly Dictionary<string, LinkedList<OpenTask>> _eventWaiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly LinkedList<EventRaised> _bufferedEvents = new();
    private int _nextTaskId;
    private int _guidCounter;
    private string? _serializedInput;
    private ParentOrchestrationInstance? _parent;

    public ReplayOrchestrationContext(string instanceId, TaskName name, DataConverter converter, ILoggerFactory loggerFactory)
    {
        InstanceId = instanceId;
        Name = name;
        _converter = converter;
        _loggerFactory = loggerFactory;
    }

    public override TaskName Name { get; }

    public override string InstanceId { get; }

    public override ParentOrchestrationInstance? Parent => _parent;

    public override TaskOrchestrationEntityFeature Entities
        => throw new NotSupportedException(
            $"{nameof(TaskOrchestrationContext)}.{nameof(Entities)}: durable entities are not supported by the OpsFunctions engine yet; " +
            "use an orchestration per entity key with external events instead.");

    public override DateTime CurrentUtcDateTime => CurrentTime.UtcDateTime;

    public override bool IsReplaying => Replaying;

    public DateTimeOffset CurrentTime { get; set; }

    public bool Replaying { get; set; }

    public (string? Input, bool PreserveUnprocessedEvents)? ContinueAsNewRequest { get; private set; }

    public string? CustomStatus { get; private set; }

    public IEnumerable<EventRaised> BufferedEvents => _bufferedEvents;

    protected override ILoggerFactory LoggerFactory => _loggerFactory;

    public void SetStarted(ExecutionStarted started)
    {
        _serializedInput = started.Input;
        _parent = started.Parent is { } parent ? new ParentOrchestrationInstance(parent.Name ?? string.Empty, parent.InstanceId) : null;
    }

    public override T? GetInput<T>()
        where T : default
        => _converter.Deserialize<T>(_serializedInput);

    public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
    {
        var serializedInput = _converter.Serialize(input);
        return WithRetry(options, subOrchestration: false, () =>
        {
            var id = _nextTaskId++;
            _unrecordedActions.Add(id, new ScheduleTaskAction(id, name.Name, serializedInput, TagsOf(options)));
            return Open<TResult>(id, name.Name);
        });
    }

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null)
    {
        var serializedInput = _converter.Serialize(input);
        var explicitInstanceId = (options as SubOrchestrationOptions)?.InstanceId;
        return WithRetry(options, subOrchestration: true, () =>
        {
            var id = _nextTaskId++;
            var instanceId = explicitInstanceId ?? $"{InstanceId}:{id:D4}";
            _unrecordedActions.Add(id, new CreateSubOrchestrationAction(id, orchestratorName.Name, instanceId, serializedInput, TagsOf(options)));
            return Open<TResult>(id, orchestratorName.Name);
        });
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var id = _nextTaskId++;
        var utc = fireAt.Kind == DateTimeKind.Local ? fireAt.ToUniversalTime() : DateTime.SpecifyKind(fireAt, DateTimeKind.Utc);
        _unrecordedActions.Add(id, new CreateTimerAction(id, new DateTimeOffset(utc)));
        var timer = new OpenTask<object?>("timer");
        _openTasks.Add(id, timer);
        if (cancellationToken.CanBeCanceled)
        {
            // The timer stays recorded; cancelling only stops the wait, so replay sees the same actions.
            cancellationToken.Register(timer.Cancel);
        }

        return timer.Task;
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        for (var node = _bufferedEvents.First; node is not null; node = node.Next)
        {
            if (string.Equals(node.Value.Name, eventName, StringComparison.OrdinalIgnoreCase))
            {
                _bufferedEvents.Remove(node);
                var delivered = new OpenTask<T>(eventName);
                delivered.Complete(node.Value.Input, _converter);
                return delivered.Task;
            }
        }

        var waiter = new OpenTask<T>(eventName);
        if (!_eventWaiters.TryGetValue(eventName, out var waiters))
        {
            waiters = new LinkedList<OpenTask>();
            _eventWaiters.Add(eventName, waiters);
        }

        var waiterNode = waiters.AddLast(waiter);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                if (waiterNode.List is not null)
                {
                    waiters.Remove(waiterNode);
                    waiter.Cancel();
                }
            });
        }

        return waiter.Task;
    }

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true)
        => ContinueAsNewRequest = (_converter.Serialize(newInput), preserveUnprocessedEvents);

    /// <remarks>
    /// The event leaves in the commit of this episode, with an id derived from this execution and the send's task id, so
    /// a redelivery is dropped by the receiver: it arrives exactly once. An instance that does not exist drops it.
    /// </remarks>
    public override void SendEvent(string instanceId, string eventName, object payload)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var id = _nextTaskId++;
        _unrecordedActions.Add(id, new SendEventAction(id, instanceId, eventName, _converter.Serialize(payload)));
    }

    public override void SetCustomStatus(object? customStatus) => CustomStatus = _converter.Serialize(customStatus);

    public override Guid NewGuid()
    {
        var name = $"{InstanceId}_{CurrentTime.UtcDateTime:O}_{_guidCounter++}";
        return CreateNameBasedGuid(GuidNamespace, name);
    }

    /// <summary>Matches a recorded scheduling event with the action the code produced under the same id.</summary>
    public void MatchRecorded(int id, string recordedDescription, Func<OrchestratorAction, bool> matches)
    {
        if (!_unrecordedActions.Remove(id, out var action))
        {
            throw new NonDeterminismException(
                $"Non-deterministic orchestration '{Name}' (instance '{InstanceId}'): history records {recordedDescription}, " +
                "but on replay the code did not schedule it. Orchestrator code changed or depends on something other than the context.");
        }

        if (!matches(action))
        {
            throw new NonDeterminismException(
                $"Non-deterministic orchestration '{Name}' (instance '{InstanceId}'): history records {recordedDescription}, " +
                $"but on replay the code scheduled {action.Describe()}.");
        }
    }

    /// <summary>Takes the actions produced since the last call that history does not record yet.</summary>
    public IReadOnlyList<OrchestratorAction> TakeUnrecordedActions()
    {
        var actions = _unrecordedActions.Values.ToList();
        _unrecordedActions.Clear();
        return actions;
    }

    public void CompleteTask(int taskId, string? result)
    {
        if (_openTasks.Remove(taskId, out var task))
        {
            task.Complete(result, _converter);
        }
    }

    public void FailTask(int taskId, TaskFailureDetails failure)
    {
        if (_openTasks.Remove(taskId, out var task))
        {
            task.Fail(new TaskFailedException(task.Name, taskId, failure));
        }
    }

    public void DeliverEvent(EventRaised raised)
    {
        if (_eventWaiters.TryGetValue(raised.Name, out var waiters) && waiters.First is { } first)
        {
            waiters.RemoveFirst();
            first.Value.Complete(raised.Input, _converter);
            return;
        }

        _bufferedEvents.AddLast(raised);
    }

    private Task<T> Open<T>(int id, string name)
    {
        var task = new OpenTask<T>(name);
        _openTasks.Add(id, task);
        return task.Task;
    }

    private Task<T> WithRetry<T>(TaskOptions? options, bool subOrchestration, Func<Task<T>> attempt) => options?.Retry switch
    {
        { Policy: { } policy } => RetryAsync(policy, subOrchestration, attempt),
        { Handler: { } handler } => RetryAsync(handler, attempt),
        _ => attempt(),
    };

    private async Task<T> RetryAsync<T>(RetryPolicy policy, bool subOrchestration, Func<Task<T>> attempt)
    {
        var firstAttemptAt = CurrentUtcDateTime;
        for (var attemptNumber = 1; ; attemptNumber++)
        {
            try
            {
                return await attempt();
            }
            catch (TaskFailedException failure)
                when (attemptNumber < policy.MaxNumberOfAttempts && policy.Handle(Failures.ToCoreException(failure, subOrchestration)))
            {
                var delay = RetryDelays.GetDelay(policy, attemptNumber);
                if (policy.RetryTimeout != Timeout.InfiniteTimeSpan
                    && CurrentUtcDateTime + delay - firstAttemptAt > policy.RetryTimeout)
                {
                    throw;
                }

                await CreateTimer(delay, CancellationToken.None);
            }
        }
    }

    private async Task<T> RetryAsync<T>(AsyncRetryHandler handler, Func<Task<T>> attempt)
    {
        var firstAttemptAt = CurrentUtcDateTime;
        for (var attemptNumber = 1; ; attemptNumber++)
        {
            TaskFailedException failure;
            try
            {
                return await attempt();
            }
            catch (TaskFailedException caught)
            {
                failure = caught;
            }

            // The handler runs in the orchestration: it may wait on a durable timer before saying yes.
            var retry = await handler(new RetryContext(this, attemptNumber, failure.FailureDetails, CurrentUtcDateTime - firstAttemptAt, CancellationToken.None));
            if (!retry)
            {
                throw failure;
            }
        }
    }

    private static Dictionary<string, string>? TagsOf(TaskOptions? options)
        => options?.Tags is { Count: > 0 } tags ? new Dictionary<string, string>(tags, StringComparer.Ordinal) : null;

    private static Guid CreateNameBasedGuid(Guid namespaceId, string name)
    {
        // RFC 4122 version 5 (SHA-1, name-based): the same name always gives the same GUID.
        Span<byte> namespaceBytes = stackalloc byte[16];
        namespaceId.TryWriteBytes(namespaceBytes, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[16 + nameBytes.Length];
        namespaceBytes.CopyTo(buffer);
        nameBytes.CopyTo(buffer, 16);
#pragma warning disable CA5350 // SHA-1 is what RFC 4122 version 5 specifies; it is not used for security.
        var hash = SHA1.HashData(buffer);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
#pragma warning restore CA2007
