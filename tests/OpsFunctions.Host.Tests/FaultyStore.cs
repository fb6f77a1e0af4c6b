using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Host.Tests;

/// <summary>A store that fails chosen calls as a lost database would; everything else passes through.</summary>
public sealed class FaultyStore(IDurableStore inner) : IDurableStore
{
    /// <summary>Gets or sets a value indicating whether queries fail.</summary>
    public bool FailQueries { get; set; }

    /// <summary>Gets or sets which instance creations fail, once each.</summary>
    public Func<string, bool>? FailCreate { get; set; }

    public Task<InstancePage> QueryInstancesAsync(InstanceFilter filter, CancellationToken cancellationToken)
        => FailQueries ? throw new IOException("disk I/O error") : inner.QueryInstancesAsync(filter, cancellationToken);

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task CreateInstanceAsync(InstanceRecord instance, Durable.History.OrchestrationMessage startMessage, CancellationToken cancellationToken)
    {
        if (FailCreate?.Invoke(instance.InstanceId) == true)
        {
            FailCreate = null;
            throw new IOException("disk I/O error");
        }

        return inner.CreateInstanceAsync(instance, startMessage, cancellationToken);
    }

    public Task<OrchestrationRuntimeStatus?> SendMessageAsync(Durable.History.OrchestrationMessage message, CancellationToken cancellationToken)
        => inner.SendMessageAsync(message, cancellationToken);

    public Task<InstanceRecord?> GetInstanceAsync(string instanceId, bool includePayloads, CancellationToken cancellationToken)
        => inner.GetInstanceAsync(instanceId, includePayloads, cancellationToken);

    public Task<IReadOnlyList<Durable.History.HistoryEvent>> ReadHistoryAsync(string instanceId, CancellationToken cancellationToken)
        => inner.ReadHistoryAsync(instanceId, cancellationToken);

    public Task<int> PurgeInstancesAsync(InstanceFilter filter, CancellationToken cancellationToken) => inner.PurgeInstancesAsync(filter, cancellationToken);

    public Task<OrchestrationWorkItem?> TryLockOrchestrationAsync(TimeSpan lease, int maxMessages, CancellationToken cancellationToken)
        => inner.TryLockOrchestrationAsync(lease, maxMessages, cancellationToken);

    public Task<string> CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken)
        => inner.CompleteOrchestrationAsync(workItem, commit, cancellationToken);

    public Task AbandonOrchestrationAsync(OrchestrationWorkItem workItem, TimeSpan retryAfter, CancellationToken cancellationToken)
        => inner.AbandonOrchestrationAsync(workItem, retryAfter, cancellationToken);

    public Task<ActivityWorkItem?> TryLockActivityAsync(TimeSpan lease, CancellationToken cancellationToken) => inner.TryLockActivityAsync(lease, cancellationToken);

    public Task<bool> RenewActivityLockAsync(ActivityWorkItem workItem, TimeSpan lease, CancellationToken cancellationToken)
        => inner.RenewActivityLockAsync(workItem, lease, cancellationToken);

    public Task<bool> CompleteActivityAsync(ActivityWorkItem workItem, Durable.History.OrchestrationMessage response, CancellationToken cancellationToken)
        => inner.CompleteActivityAsync(workItem, response, cancellationToken);

    public Task AbandonActivityAsync(ActivityWorkItem workItem, TimeSpan retryAfter, CancellationToken cancellationToken)
        => inner.AbandonActivityAsync(workItem, retryAfter, cancellationToken);

    public Task WaitForWorkAsync(WorkItemKind kind, TimeSpan maxWait, CancellationToken cancellationToken)
        => inner.WaitForWorkAsync(kind, maxWait, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

public static class StoreDecoration
{
    /// <summary>Wraps the registered store, as DurableTestHost does.</summary>
    public static IServiceCollection Decorate(this IServiceCollection services, Func<IDurableStore, IDurableStore> wrap)
    {
        var factory = services.Last(d => d.ServiceType == typeof(IDurableStore)).ImplementationFactory!;
        services.AddSingleton(sp => wrap((IDurableStore)factory(sp)));
        return services;
    }
}
