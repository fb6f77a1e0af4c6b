using Microsoft.Extensions.Options;
using OpsFunctions.Durable.Diagnostics;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Durable.Worker;

namespace OpsFunctions.Durable.Client;

/// <summary>
/// The official client, backed by a store: writes start and control messages, reads heads, and waits on in-process
/// change notifications with polling as the fallback for changes made by other processes.
/// </summary>
/// <remarks>
/// A start onto an id whose instance is Pending, Running, Suspended or ContinuedAsNew throws
/// <see cref="InstanceAlreadyExistsException"/> (an <c>OrchestrationAlreadyExistsException</c>) whatever the dedupe
/// statuses say: a running instance is never replaced, so two deliveries racing to start one id leave exactly one
/// instance. A start onto an ended id runs a fresh execution unless the dedupe statuses name its status.
/// </remarks>
internal sealed class StoreDurableTaskClient : DurableTaskClient
{
    private static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>();
    private static readonly TimeSpan FirstPollInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(1);

    private readonly IDurableStore _store;
    private readonly DataConverter _converter;
    private readonly InstanceChangeNotifier _notifier;
    private readonly TimeProvider _timeProvider;

    // The client is named after its builder: the official client provider finds clients by that name.
    public StoreDurableTaskClient(
        string name,
        IDurableStore store,
        IOptionsMonitor<DurableTaskClientOptions> clientOptions,
        InstanceChangeNotifier notifier,
        TimeProvider timeProvider)
        : base(name)
    {
        _store = store;
        _converter = clientOptions.Get(name).DataConverter;
        _notifier = notifier;
        _timeProvider = timeProvider;
    }

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orchestratorName.Name, nameof(orchestratorName));
        var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        ValidateInstanceId(instanceId);
        var serializedInput = Serialize(input, "input");
        if (options?.DedupeStatuses is { Count: > 0 } dedupe)
        {
            await RefuseDedupedAsync(instanceId, dedupe, cancellation).ConfigureAwait(false);
        }

        var tags = options?.Tags is { Count: > 0 } given ? new Dictionary<string, string>(given, StringComparer.Ordinal) : null;
        await StartAsync(orchestratorName.Name, instanceId, serializedInput, options?.StartAt, tags, cancellation).ConfigureAwait(false);
        return instanceId;
    }

    /// <remarks>
    /// The same id runs a fresh execution once the instance has ended; a Pending, Running or Suspended instance is not
    /// terminated for it (terminate it first), so a restart never cuts a running workflow short by surprise.
    /// </remarks>
    public override async Task<string> RestartAsync(string instanceId, bool restartWithNewInstanceId = false, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        var existing = await _store.GetInstanceAsync(instanceId, includePayloads: true, cancellation).ConfigureAwait(false)
            ?? throw new InstanceNotFoundException(instanceId);
        if (!restartWithNewInstanceId && !existing.Status.HasEnded())
        {
            throw new InvalidOperationException(
                $"Instance '{instanceId}' is {existing.Status}: terminate it before restarting it under the same id, or restart it with a new id.");
        }

        var restartedId = restartWithNewInstanceId ? Guid.NewGuid().ToString("N") : instanceId;
        await StartAsync(existing.Name, restartedId, existing.Input, startAt: null, existing.Tags, cancellation).ConfigureAwait(false);
        return restartedId;
    }

    private async Task StartAsync(
        string name, string instanceId, string? serializedInput, DateTimeOffset? startAt, IReadOnlyDictionary<string, string>? tags, CancellationToken cancellation)
    {
        var now = _timeProvider.GetUtcNow();
        var executionId = Guid.NewGuid().ToString("N");
        var instance = new InstanceRecord(instanceId, name)
        {
            Status = OrchestrationRuntimeStatus.Pending,
            CreatedAt = now,
            LastUpdatedAt = now,
            Input = serializedInput,
            Tags = tags,
        };
        var start = new OrchestrationMessage(
            instanceId, executionId, new ExecutionStarted(name, executionId, serializedInput) { Timestamp = now, TraceParent = DurableTracing.CurrentTraceParent, Tags = tags })
        {
            VisibleAt = startAt,
        };
        await _store.CreateInstanceAsync(instance, start, cancellation).ConfigureAwait(false);
    }

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var raised = new EventRaised(Guid.NewGuid().ToString("N"), eventName, Serialize(eventPayload, "event payload")) { Timestamp = _timeProvider.GetUtcNow() };
        return SendAsync(instanceId, raised, $"raise event '{eventName}' on", cancellation);
    }

    /// <remarks>
    /// With <see cref="TerminateInstanceOptions.Recursive"/>, the sub-orchestrations the instance's history started and
    /// still waits on are terminated too, theirs in turn; children that have already ended are left as they are.
    /// </remarks>
    public override async Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        var output = Serialize(options?.Output, "output");
        var children = options?.Recursive == true ? await RunningChildrenAsync(instanceId, cancellation).ConfigureAwait(false) : [];
        await SendAsync(instanceId, new ExecutionTerminated(output) { Timestamp = _timeProvider.GetUtcNow() }, "terminate", cancellation).ConfigureAwait(false);
        foreach (var child in children)
        {
            try
            {
                await TerminateInstanceAsync(child, options, cancellation).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is InstanceNotFoundException or InvalidOperationException)
            {
                // Ended or purged since the history was read: nothing left to stop.
            }
        }
    }

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default)
        => SendAsync(instanceId, new ExecutionSuspended(reason) { Timestamp = _timeProvider.GetUtcNow() }, "suspend", cancellation);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default)
        => SendAsync(instanceId, new ExecutionResumed(reason) { Timestamp = _timeProvider.GetUtcNow() }, "resume", cancellation);

    public override async Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        var record = await _store.GetInstanceAsync(instanceId, getInputsAndOutputs, cancellation).ConfigureAwait(false);
        return record is null ? null : ToMetadata(record);
    }

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
        => WaitAsync(instanceId, getInputsAndOutputs, static m => m.RuntimeStatus != OrchestrationRuntimeStatus.Pending, cancellation);

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
        => WaitAsync(instanceId, getInputsAndOutputs, static m => m.IsCompleted, cancellation);

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null)
    {
        filter ??= new OrchestrationQuery();
        return Pageable.Create(async (continuation, pageSize, cancellation) =>
        {
            var page = await _store.QueryInstancesAsync(
                new InstanceFilter
                {
                    InstanceIdPrefix = filter.InstanceIdPrefix,
                    CreatedFrom = filter.CreatedFrom,
                    CreatedTo = filter.CreatedTo,
                    Statuses = filter.Statuses?.ToList(),
                    PageSize = pageSize ?? filter.PageSize,
                    ContinuationToken = continuation ?? filter.ContinuationToken,
                    IncludePayloads = filter.FetchInputsAndOutputs,
                },
                cancellation).ConfigureAwait(false);
            return new Page<OrchestrationMetadata>(page.Instances.Select(record => ToMetadata(record)).ToList(), page.ContinuationToken);
        });
    }

    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        var children = options?.Recursive == true ? await ChildrenAsync(instanceId, cancellation).ConfigureAwait(false) : [];
        var purged = await _store.PurgeInstancesAsync(new InstanceFilter { InstanceId = instanceId }, cancellation).ConfigureAwait(false);
        if (purged == 0 && await _store.GetInstanceAsync(instanceId, false, cancellation).ConfigureAwait(false) is { } existing)
        {
            throw new InvalidOperationException(
                $"Instance '{instanceId}' is {existing.Status}; only Completed, Failed or Terminated instances can be purged. Terminate it first.");
        }

        foreach (var child in children)
        {
            purged += await PurgeChildAsync(child, options!, cancellation).ConfigureAwait(false);
        }

        return new PurgeResult(purged);
    }

    public override async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var matching = new InstanceFilter { CreatedFrom = filter.CreatedFrom, CreatedTo = filter.CreatedTo, Statuses = filter.Statuses?.ToList() };
        if (options?.Recursive != true)
        {
            return new PurgeResult(await _store.PurgeInstancesAsync(matching, cancellation).ConfigureAwait(false));
        }

        // Recursive: each ended instance with its children, read from its history before it goes.
        var purged = 0;
        string? continuation = null;
        do
        {
            var page = await _store.QueryInstancesAsync(matching with { ContinuationToken = continuation }, cancellation).ConfigureAwait(false);
            foreach (var instance in page.Instances.Where(i => i.Status.HasEnded()))
            {
                purged += await PurgeChildAsync(instance.InstanceId, options, cancellation).ConfigureAwait(false);
            }

            continuation = page.ContinuationToken;
        }
        while (continuation is not null);
        return new PurgeResult(purged);
    }

    public override async Task<IList<DurableTask.Core.History.HistoryEvent>> GetOrchestrationHistoryAsync(string instanceId, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        var history = await _store.ReadHistoryAsync(instanceId, cancellation).ConfigureAwait(false);
        if (history.Count == 0 && await _store.GetInstanceAsync(instanceId, false, cancellation).ConfigureAwait(false) is null)
        {
            throw new InstanceNotFoundException(instanceId);
        }

        return CoreHistory.From(instanceId, history);
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The sub-orchestrations the current execution started, from its history.</summary>
    private async Task<List<string>> ChildrenAsync(string instanceId, CancellationToken cancellation)
        => [.. (await _store.ReadHistoryAsync(instanceId, cancellation).ConfigureAwait(false))
            .OfType<SubOrchestrationInstanceCreated>()
            .Select(created => created.InstanceId)
            .Distinct(StringComparer.Ordinal)];

    /// <summary>The sub-orchestrations the current execution started and has no result from yet.</summary>
    private async Task<List<string>> RunningChildrenAsync(string instanceId, CancellationToken cancellation)
    {
        var history = await _store.ReadHistoryAsync(instanceId, cancellation).ConfigureAwait(false);
        var answered = history
            .Select(e => e switch
            {
                SubOrchestrationInstanceCompleted completed => completed.TaskScheduledId,
                SubOrchestrationInstanceFailed failed => failed.TaskScheduledId,
                _ => (int?)null,
            })
            .OfType<int>()
            .ToHashSet();
        return [.. history.OfType<SubOrchestrationInstanceCreated>().Where(c => !answered.Contains(c.TaskId)).Select(c => c.InstanceId)];
    }

    /// <summary>Purges one instance and, through its history, its children; a child still running is left, as the official clients do.</summary>
    private async Task<int> PurgeChildAsync(string instanceId, PurgeInstanceOptions options, CancellationToken cancellation)
    {
        try
        {
            return (await PurgeInstanceAsync(instanceId, options, cancellation).ConfigureAwait(false)).PurgedInstanceCount;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    private async Task RefuseDedupedAsync(string instanceId, IReadOnlyList<string> dedupe, CancellationToken cancellation)
    {
        // A running instance is refused by the store itself; this check covers the ended statuses a start may name.
        if (await _store.GetInstanceAsync(instanceId, false, cancellation).ConfigureAwait(false) is { } existing
            && dedupe.Contains(existing.Status.ToString(), StringComparer.OrdinalIgnoreCase))
        {
            throw new InstanceAlreadyExistsException(instanceId, existing.Status);
        }
    }

    private async Task SendAsync(string instanceId, HistoryEvent historyEvent, string action, CancellationToken cancellation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        var status = await _store.SendMessageAsync(new OrchestrationMessage(instanceId, null, historyEvent), cancellation).ConfigureAwait(false);
        if (status is null)
        {
            throw new InstanceNotFoundException(instanceId);
        }

        if (status.Value.HasEnded())
        {
            throw new InvalidOperationException($"Cannot {action} instance '{instanceId}': it has already ended ({status}).");
        }
    }

    private async Task<OrchestrationMetadata> WaitAsync(
        string instanceId, bool getInputsAndOutputs, Func<OrchestrationMetadata, bool> done, CancellationToken cancellation)
    {
        // Watch before the first read, so a commit between the read and the wait is not missed.
        using var watch = _notifier.StartWatch(instanceId);
        var pollInterval = FirstPollInterval;
        var read = !HoldsWorkFor(instanceId);
        while (true)
        {
            if (read)
            {
                var metadata = await GetInstanceAsync(instanceId, getInputsAndOutputs, cancellation).ConfigureAwait(false)
                    ?? throw new InstanceNotFoundException(instanceId);
                if (done(metadata))
                {
                    return metadata;
                }
            }

            var changed = watch.NextChangeAsync();
            if (await Task.WhenAny(changed, Task.Delay(pollInterval, _timeProvider, cancellation)).ConfigureAwait(false) == changed)
            {
                // A worker in this process committed the instance and says so with the record it wrote: what a read
                // would return. Polling slows to its longest interval, kept for workers in other processes.
                var committed = ToMetadata(await changed.ConfigureAwait(false), getInputsAndOutputs);
                if (done(committed))
                {
                    return committed;
                }

                read = false;
                pollInterval = MaxPollInterval;
                continue;
            }

            cancellation.ThrowIfCancellationRequested();
            read = !HoldsWorkFor(instanceId);
            pollInterval = TimeSpan.FromTicks(Math.Min(pollInterval.Ticks * 2, MaxPollInterval.Ticks));
        }
    }

    /// <summary>
    /// Whether this process holds the instance's work: its worker then commits the next change and announces it, so
    /// a read would only repeat the last announcement.
    /// </summary>
    private bool HoldsWorkFor(string instanceId) => _store is ILocalWorkStore local && local.HoldsWorkFor(instanceId);

    /// <summary>The metadata of a record; without its payloads unless <paramref name="includePayloads"/>, as a read leaves them out.</summary>
    private OrchestrationMetadata ToMetadata(InstanceRecord record, bool includePayloads = true) => new(record.Name, record.InstanceId)
    {
        RuntimeStatus = record.Status,
        CreatedAt = record.CreatedAt,
        LastUpdatedAt = record.LastUpdatedAt,
        SerializedInput = includePayloads ? record.Input : null,
        SerializedOutput = includePayloads ? record.Output : null,
        SerializedCustomStatus = includePayloads ? record.CustomStatus : null,
        FailureDetails = record.Failure,
        Tags = record.Tags ?? NoTags,
        DataConverter = _converter,
    };

    private string? Serialize(object? value, string what)
    {
        try
        {
            return _converter.Serialize(value);
        }
        catch (Exception exception) when (exception is NotSupportedException or InvalidOperationException or System.Text.Json.JsonException)
        {
            throw new ArgumentException($"The {what} cannot be serialized to JSON: {exception.Message}", what, exception);
        }
    }

    private static void ValidateInstanceId(string instanceId)
    {
        if (instanceId.Length is 0 or > 256 || instanceId.Any(c => char.IsControl(c) || c is '/' or '\\' or '#' or '?'))
        {
            throw new ArgumentException(
                $"Instance id '{instanceId}' is not valid: use 1 to 256 characters without control characters, '/', '\\', '#' or '?'.",
                nameof(instanceId));
        }
    }
}
