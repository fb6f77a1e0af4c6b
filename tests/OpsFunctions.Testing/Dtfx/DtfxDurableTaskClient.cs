using OrchestrationInstance = DurableTask.Core.OrchestrationInstance;
using TaskHubClient = DurableTask.Core.TaskHubClient;
using CoreOrchestrationState = DurableTask.Core.OrchestrationState;

namespace OpsFunctions.Testing.Dtfx;

/// <summary>
/// The official <see cref="DurableTaskClient"/> over the Durable Task Framework's <see cref="TaskHubClient"/>, for code
/// written against the official client (an activity that raises events, a test) running on <see cref="DtfxHost"/>.
/// Microsoft's own adapter (<c>ShimDurableTaskClient</c>) is in a package the feed does not serve.
/// </summary>
/// <remarks>
/// <para>Starts, events, suspend, resume and terminate; reads of one instance; waits for start and completion. Queries
/// over many instances, purges, restarts, rewinds, history and entities throw <see cref="NotSupportedException"/>
/// naming the member.</para>
/// <para><see cref="RaiseEventAsync(string, string, object?, CancellationToken)"/> behaves as Durable Functions'
/// client does, which the workflows rely on: an instance that does not exist is an <see cref="ArgumentException"/>, one
/// that has ended an <see cref="InvalidOperationException"/>. The framework itself sends the event either way (and
/// drops it where no instance runs); the check reads the instance first, as Durable Functions does, so an instance that
/// ends between the read and the send drops the event.</para>
/// <para>A start onto an id whose instance exists follows the framework: the instance is replaced unless
/// <see cref="StartOrchestrationOptions.DedupeStatuses"/> names its status.</para>
/// </remarks>
public sealed class DtfxDurableTaskClient : DurableTaskClient
{
    // Before its function returns, an instance is read this seldom: the signal, not the poll, ends a wait.
    private static readonly TimeSpan UnsignaledPoll = TimeSpan.FromSeconds(1);

    // After its function returns, the framework still commits the instance: read again soon, then less often, for this long.
    private static readonly TimeSpan FirstPollAfterReturn = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LastPollAfterReturn = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan PollAfterReturnFor = TimeSpan.FromSeconds(2);

    // A start is committed by the instance's first episode, which need not end the function: read at growing intervals.
    private static readonly TimeSpan FirstStartPoll = TimeSpan.FromMilliseconds(10);

    private readonly TaskHubClient _client;
    private readonly DataConverter _converter;
    private readonly InstanceSignals _signals;

    internal DtfxDurableTaskClient(TaskHubClient client, DataConverter converter, InstanceSignals signals)
        : base("dtfx")
    {
        _client = client;
        _converter = converter;
        _signals = signals;
    }

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orchestratorName.Name, nameof(orchestratorName));
        cancellation.ThrowIfCancellationRequested();
        var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        var version = options?.Version?.Version ?? string.Empty;
        var tags = options?.Tags is { Count: > 0 } given ? given.ToDictionary(pair => pair.Key, pair => pair.Value) : null;
        var dedupe = options?.DedupeStatuses is { Count: > 0 } statuses ? statuses.Select(ToCoreStatus).ToArray() : null;

        // Listen before the start, so a quick end is not missed by a wait that comes later.
        _ = _signals.Next(instanceId);
        if (options?.StartAt is { } startAt)
        {
            await _client.CreateOrchestrationInstanceAsync(
                orchestratorName.Name, version, instanceId, input, tags, dedupe, startAt.UtcDateTime).ConfigureAwait(false);
        }
        else
        {
            await _client.CreateOrchestrationInstanceAsync(orchestratorName.Name, version, instanceId, input, tags, dedupe).ConfigureAwait(false);
        }

        return instanceId;
    }

    public override async Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        await RequireRunningAsync(instanceId, $"raise event '{eventName}' on", cancellation).ConfigureAwait(false);
        await _client.RaiseEventAsync(new OrchestrationInstance { InstanceId = instanceId }, eventName, eventPayload!).ConfigureAwait(false);
    }

    /// <remarks><see cref="TerminateInstanceOptions.Recursive"/> is not supported: the framework terminates one instance.</remarks>
    public override async Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        if (options?.Recursive == true)
        {
            throw new NotSupportedException($"{nameof(DtfxDurableTaskClient)} does not support {nameof(TerminateInstanceOptions)}.{nameof(TerminateInstanceOptions.Recursive)}.");
        }

        await RequireRunningAsync(instanceId, "terminate", cancellation).ConfigureAwait(false);
        await _client.TerminateInstanceAsync(new OrchestrationInstance { InstanceId = instanceId }, _converter.Serialize(options?.Output)!).ConfigureAwait(false);
    }

    public override async Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default)
    {
        await RequireRunningAsync(instanceId, "suspend", cancellation).ConfigureAwait(false);
        await _client.SuspendInstanceAsync(new OrchestrationInstance { InstanceId = instanceId }, reason).ConfigureAwait(false);
    }

    public override async Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default)
    {
        await RequireRunningAsync(instanceId, "resume", cancellation).ConfigureAwait(false);
        await _client.ResumeInstanceAsync(new OrchestrationInstance { InstanceId = instanceId }, reason).ConfigureAwait(false);
    }

    public override async Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        cancellation.ThrowIfCancellationRequested();
        var state = await _client.GetOrchestrationStateAsync(instanceId).ConfigureAwait(false);
        return state is null ? null : ToMetadata(state, getInputsAndOutputs);
    }

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
        => WaitAsync(instanceId, getInputsAndOutputs, static m => m.RuntimeStatus != OrchestrationRuntimeStatus.Pending, FirstStartPoll, cancellation);

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
        => WaitAsync(instanceId, getInputsAndOutputs, static m => m.IsCompleted, UnsignaledPoll, cancellation);

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null)
        => throw NotSupported(nameof(GetAllInstancesAsync));

    public override Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
        => throw NotSupported(nameof(PurgeInstanceAsync));

    public override Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
        => throw NotSupported(nameof(PurgeAllInstancesAsync));

    public override Task<string> RestartAsync(string instanceId, bool restartWithNewInstanceId = false, CancellationToken cancellation = default)
        => throw NotSupported(nameof(RestartAsync));

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static NotSupportedException NotSupported(string member)
        => new($"{nameof(DtfxDurableTaskClient)} does not support {member}.");

    private static DurableTask.Core.OrchestrationStatus ToCoreStatus(string status)
        => Enum.TryParse<OrchestrationRuntimeStatus>(status, ignoreCase: true, out var parsed)
            ? (DurableTask.Core.OrchestrationStatus)parsed
            : throw new ArgumentException($"'{status}' is not an orchestration runtime status.", nameof(StartOrchestrationOptions.DedupeStatuses));

    private static bool IsEnded(OrchestrationRuntimeStatus status)
#pragma warning disable CS0618 // Canceled: the framework's status, never written by the official API but readable.
        => status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed
            or OrchestrationRuntimeStatus.Terminated or OrchestrationRuntimeStatus.Canceled;
#pragma warning restore CS0618

    private async Task RequireRunningAsync(string instanceId, string action, CancellationToken cancellation)
    {
        var instance = await GetInstancesAsync(instanceId, getInputsAndOutputs: false, cancellation).ConfigureAwait(false)
            ?? throw new ArgumentException($"No orchestration instance with id '{instanceId}' exists.", nameof(instanceId));
        if (IsEnded(instance.RuntimeStatus))
        {
            throw new InvalidOperationException($"Cannot {action} instance '{instanceId}': it has already ended ({instance.RuntimeStatus}).");
        }
    }

    /// <summary>
    /// Reads the instance until <paramref name="done"/> holds: when this process has run its orchestrator function to a
    /// return (then often, while the framework commits), and otherwise at <paramref name="poll"/>, doubling up to
    /// <see cref="UnsignaledPoll"/>, for instances whose functions run elsewhere or have not returned.
    /// </summary>
    private async Task<OrchestrationMetadata> WaitAsync(
        string instanceId, bool getInputsAndOutputs, Func<OrchestrationMetadata, bool> done, TimeSpan poll, CancellationToken cancellation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);

        // Listen before the first read, so a return between the read and the wait is not missed.
        var returned = _signals.Next(instanceId);
        var afterReturn = TimeSpan.Zero;
        var pollingAfterReturn = TimeSpan.Zero;
        while (true)
        {
            var metadata = await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation).ConfigureAwait(false)
                ?? throw new ArgumentException($"No orchestration instance with id '{instanceId}' exists.", nameof(instanceId));
            if (done(metadata))
            {
                if (IsEnded(metadata.RuntimeStatus))
                {
                    _signals.Forget(instanceId);
                }

                return metadata;
            }

            if (afterReturn > TimeSpan.Zero && pollingAfterReturn < PollAfterReturnFor)
            {
                await Task.Delay(afterReturn, cancellation).ConfigureAwait(false);
                pollingAfterReturn += afterReturn;
                afterReturn = Min(afterReturn * 2, LastPollAfterReturn);
                continue;
            }

            // The function returned and the framework committed something else than the end (it continued as new).
            afterReturn = TimeSpan.Zero;
            await Task.WhenAny(returned, Task.Delay(poll, cancellation)).ConfigureAwait(false);
            cancellation.ThrowIfCancellationRequested();
            if (returned.IsCompleted)
            {
                _signals.Consume(instanceId, returned);
                returned = _signals.Next(instanceId);
                afterReturn = FirstPollAfterReturn;
                pollingAfterReturn = TimeSpan.Zero;
                await Task.Delay(afterReturn, cancellation).ConfigureAwait(false);
            }
            else
            {
                poll = Min(poll * 2, UnsignaledPoll);
            }
        }
    }

    private OrchestrationMetadata ToMetadata(CoreOrchestrationState state, bool includePayloads) => new(state.Name, state.OrchestrationInstance.InstanceId)
    {
        RuntimeStatus = (OrchestrationRuntimeStatus)state.OrchestrationStatus,
        CreatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.CreatedTime, DateTimeKind.Utc)),
        LastUpdatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.LastUpdatedTime, DateTimeKind.Utc)),
        SerializedInput = includePayloads ? state.Input : null,
        SerializedOutput = includePayloads ? state.Output : null,
        SerializedCustomStatus = includePayloads ? state.Status : null,
        FailureDetails = ToFailureDetails(state.FailureDetails),
        DataConverter = _converter,
    };

    private static TaskFailureDetails? ToFailureDetails(DurableTask.Core.FailureDetails? failure) => failure is null
        ? null
        : new TaskFailureDetails(failure.ErrorType, failure.ErrorMessage, failure.StackTrace, ToFailureDetails(failure.InnerFailure), failure.Properties);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
