using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Host.Observability;

namespace OpsFunctions.Host.Tests;

public sealed class HostMetricsTests
{
    [Fact]
    public async Task RefreshQueues_StoreCannotCountTimersApart_OmitsTheTimersGaugeAndReportsTheRest()
    {
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new HostMetrics(services.GetRequiredService<IMeterFactory>());
        using var prometheus = new PrometheusText([metrics.Meter]);

        await metrics.RefreshQueuesAsync(new CountsOnlyStore(new QueueStatistics(7, 3, ScheduledTimers: null)), TestContext.Current.CancellationToken);
        var text = prometheus.Render();

        Assert.Contains("opsfunctions_pending_orchestration_messages 7\n", text, StringComparison.Ordinal);
        Assert.Contains("opsfunctions_pending_activities 3\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("opsfunctions_pending_timers", text, StringComparison.Ordinal);
    }

    /// <summary>A store that only counts, as the gauges need; the engine never runs on it.</summary>
    private sealed class CountsOnlyStore(QueueStatistics counts) : IDurableStore, IDurableStoreStatistics
    {
        public Task<QueueStatistics> GetQueueStatisticsAsync(CancellationToken cancellationToken) => Task.FromResult(counts);

        public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        public Task CreateInstanceAsync(InstanceRecord instance, OrchestrationMessage startMessage, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<OrchestrationRuntimeStatus?> SendMessageAsync(OrchestrationMessage message, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<InstanceRecord?> GetInstanceAsync(string instanceId, bool includePayloads, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<InstancePage> QueryInstancesAsync(InstanceFilter filter, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<HistoryEvent>> ReadHistoryAsync(string instanceId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<int> PurgeInstancesAsync(InstanceFilter filter, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<OrchestrationWorkItem?> TryLockOrchestrationAsync(TimeSpan lease, int maxMessages, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<string> CompleteOrchestrationAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task AbandonOrchestrationAsync(OrchestrationWorkItem workItem, TimeSpan retryAfter, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ActivityWorkItem?> TryLockActivityAsync(TimeSpan lease, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> RenewActivityLockAsync(ActivityWorkItem workItem, TimeSpan lease, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> CompleteActivityAsync(ActivityWorkItem workItem, OrchestrationMessage response, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task AbandonActivityAsync(ActivityWorkItem workItem, TimeSpan retryAfter, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task WaitForWorkAsync(WorkItemKind kind, TimeSpan maxWait, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
