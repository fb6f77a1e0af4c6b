using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Tests.Parity;

/// <summary>
/// A store decorator that keeps every committed episode of every instance. The store itself keeps only the
/// latest execution's history; a continue-as-new replaces it, so the executions before it are read from here.
/// </summary>
internal sealed class RecordingStore(IDurableStore inner) : IDurableStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<RecordedExecution>> _instances = new(StringComparer.Ordinal);

    /// <summary>Gets the executions of an instance in the order they ran, each with its committed episodes.</summary>
    public IReadOnlyList<RecordedExecution> ExecutionsOf(string instanceId)
    {
        lock (_gate)
        {
            return _instances.TryGetValue(instanceId, out var executions)
                ? executions.Select(e => new RecordedExecution([.. e.Episodes])).ToList()
                : [];
        }
    }

    public async Task<string> CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        var result = await inner.CompleteOrchestrationAsync(workItem, commit, cancellationToken).ConfigureAwait(false);

        // Only a commit that succeeded is history; a conflict throws above and the episode runs again.
        if (commit.NewEvents.Count > 0)
        {
            lock (_gate)
            {
                if (!_instances.TryGetValue(commit.Instance.InstanceId, out var executions))
                {
                    executions = [];
                    _instances.Add(commit.Instance.InstanceId, executions);
                }

                if (commit.ReplaceHistory || commit.NewEvents.Any(e => e is ExecutionStarted) || executions.Count == 0)
                {
                    executions.Add(new RecordedExecution([]));
                }

                executions[^1].Episodes.Add(new RecordedEpisode([.. commit.NewEvents], commit.Instance.CustomStatus));
            }
        }

        return result;
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task CreateInstanceAsync(InstanceRecord instance, OrchestrationMessage startMessage, CancellationToken cancellationToken)
        => inner.CreateInstanceAsync(instance, startMessage, cancellationToken);

    public Task<OrchestrationRuntimeStatus?> SendMessageAsync(OrchestrationMessage message, CancellationToken cancellationToken)
        => inner.SendMessageAsync(message, cancellationToken);

    public Task<InstanceRecord?> GetInstanceAsync(string instanceId, bool includePayloads, CancellationToken cancellationToken)
        => inner.GetInstanceAsync(instanceId, includePayloads, cancellationToken);

    public Task<InstancePage> QueryInstancesAsync(InstanceFilter filter, CancellationToken cancellationToken)
        => inner.QueryInstancesAsync(filter, cancellationToken);

    public Task<IReadOnlyList<HistoryEvent>> ReadHistoryAsync(string instanceId, CancellationToken cancellationToken)
        => inner.ReadHistoryAsync(instanceId, cancellationToken);

    public Task<int> PurgeInstancesAsync(InstanceFilter filter, CancellationToken cancellationToken)
        => inner.PurgeInstancesAsync(filter, cancellationToken);

    public Task<OrchestrationWorkItem?> TryLockOrchestrationAsync(TimeSpan lease, int maxMessages, CancellationToken cancellationToken)
        => inner.TryLockOrchestrationAsync(lease, maxMessages, cancellationToken);

    public Task AbandonOrchestrationAsync(OrchestrationWorkItem workItem, TimeSpan retryAfter, CancellationToken cancellationToken)
        => inner.AbandonOrchestrationAsync(workItem, retryAfter, cancellationToken);

    public Task<ActivityWorkItem?> TryLockActivityAsync(TimeSpan lease, CancellationToken cancellationToken)
        => inner.TryLockActivityAsync(lease, cancellationToken);

    public Task<bool> RenewActivityLockAsync(ActivityWorkItem workItem, TimeSpan lease, CancellationToken cancellationToken)
        => inner.RenewActivityLockAsync(workItem, lease, cancellationToken);

    public Task<bool> CompleteActivityAsync(ActivityWorkItem workItem, OrchestrationMessage response, CancellationToken cancellationToken)
        => inner.CompleteActivityAsync(workItem, response, cancellationToken);

    public Task AbandonActivityAsync(ActivityWorkItem workItem, TimeSpan retryAfter, CancellationToken cancellationToken)
        => inner.AbandonActivityAsync(workItem, retryAfter, cancellationToken);

    public Task WaitForWorkAsync(WorkItemKind kind, TimeSpan maxWait, CancellationToken cancellationToken)
        => inner.WaitForWorkAsync(kind, maxWait, cancellationToken);

    // The inner store belongs to the host, which disposes it.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>One execution of an instance: from its start to its completion, failure or continue-as-new.</summary>
/// <param name="Episodes">The committed episodes, each starting with its <see cref="OrchestratorStarted"/>.</param>
internal sealed record RecordedExecution(List<RecordedEpisode> Episodes)
{
    /// <summary>Gets the execution's whole history.</summary>
    public IReadOnlyList<HistoryEvent> History => Episodes.SelectMany(e => e.Events).ToList();
}

/// <summary>The events one episode committed, and the custom status it left.</summary>
/// <param name="Events">The events, in history order.</param>
/// <param name="CustomStatus">The custom status as JSON after the episode.</param>
internal sealed record RecordedEpisode(IReadOnlyList<HistoryEvent> Events, string? CustomStatus);
