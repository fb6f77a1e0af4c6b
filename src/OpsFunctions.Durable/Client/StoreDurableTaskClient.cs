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

        var now = _timeProvider.GetUtcNow();
        var executionId = Guid.NewGuid().ToString("N");
        var instance = new InstanceRecord(instanceId, orchestratorName.Name)
        {
            Status = OrchestrationRuntimeStatus.Pending,
            CreatedAt = now,
            LastUpdatedAt = now,
            Input = serializedInput,
        };
        var start = new OrchestrationMessage(
            instanceId, executionId, new ExecutionStarted(orchestratorName.Name, executionId, serializedInput) { Timestamp = now, TraceParent = DurableTracing.CurrentTraceParent })
        {
            VisibleAt = options?.StartAt,
        };
        await _store.CreateInstanceAsync(instance, start, cancellation).ConfigureAwait(false);
        return instanceId;
    }

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var raised = new EventRaised(Guid.NewGuid().ToString("N"), eventName, Serialize(eventPayload, "event payload")) { Timestamp = _timeProvider.GetUtcNow() };
        return SendAsync(instanceId, raised, $"raise event '{eventName}' on", cancellation);
    }

    public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        if (options?.Recursive == true)
        {
            throw new NotSupportedException(
                $"{nameof(TerminateInstanceOptions)}.{nameof(TerminateInstanceOptions.Recursive)}: terminating sub-orchestrations with their parent is not supported by the OpsFunctions engine yet; terminate each instance.");
        }

        return SendAsync(instanceId, new ExecutionTerminated(Serialize(options?.Output, "output")) { Timestamp = _timeProvider.GetUtcNow() }, "terminate", cancellation);
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
        RefuseRecursivePurge(options);
        var purged = await _store.PurgeInstancesAsync(new InstanceFilter { InstanceId = instanceId }, cancellation).ConfigureAwait(false);
        if (purged == 0 && await _store.GetInstanceAsync(instanceId, false, cancellation).ConfigureAwait(false) is { } existing)
        {
            throw new InvalidOperationException(
                $"Instance '{instanceId}' is {existing.Status}; only Completed, Failed or Terminated instances can be purged. Terminate it first.");
        }

        return new PurgeResult(purged);
    }

    public override async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        RefuseRecursivePurge(options);
        var purged = await _store.PurgeInstancesAsync(
            new InstanceFilter { CreatedFrom = filter.CreatedFrom, CreatedTo = filter.CreatedTo, Statuses = filter.Statuses?.ToList() },
            cancellation).ConfigureAwait(false);
        return new PurgeResult(purged);
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static void RefuseRecursivePurge(PurgeInstanceOptions? options)
    {
        if (options?.Recursive == true)
        {
            throw new NotSupportedException(
                $"{nameof(PurgeInstanceOptions)}.{nameof(PurgeInstanceOptions.Recursive)}: purging sub-orchestrations with their parent is not supported by the OpsFunctions engine yet; purge each instance.");
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

        if (status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
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
