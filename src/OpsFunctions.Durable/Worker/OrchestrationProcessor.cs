using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsFunctions.Durable.Diagnostics;
using OpsFunctions.Durable.Execution;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Worker;

/// <summary>
/// Runs one orchestration work item: session from cache or history, episode, commit, notify.
/// </summary>
internal sealed partial class OrchestrationProcessor
{
    private readonly IDurableStore _store;
    private readonly OrchestrationCache _cache;
    private readonly InstanceChangeNotifier _notifier;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly EpisodePlanner _planner;
    private readonly DurableMetrics _metrics;

    public OrchestrationProcessor(
        IDurableStore store,
        IDurableTaskFactory factory,
        IServiceProvider services,
        DataConverter converter,
        OrchestrationCache cache,
        InstanceChangeNotifier notifier,
        TimeProvider timeProvider,
        IOptions<DurableTaskOptions> options,
        DurableMetrics metrics,
        ILoggerFactory loggerFactory)
    {
        _metrics = metrics;
        _store = store;
        _cache = cache;
        _notifier = notifier;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<OrchestrationProcessor>();
        _planner = new EpisodePlanner(
            (instanceId, name) => new OrchestrationExecutor(
                instanceId, name, CreateOrchestrator(factory, services, name), converter, loggerFactory),
            options.Value.MaxDequeueCount);
    }

    public async Task ProcessAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken)
    {
        if (workItem.Instance is not { } head)
        {
            LogMissingHead(workItem.InstanceId);
            await _store.AbandonOrchestrationAsync(workItem, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            return;
        }

        var session = _cache.TryTake(workItem.InstanceId, head.Version) ?? await LoadAsync(head, cancellationToken).ConfigureAwait(false);
        var traceParent = session.History.Started?.TraceParent
            ?? workItem.Messages.Select(m => m.Message.Event).OfType<ExecutionStarted>().LastOrDefault()?.TraceParent;
        using var span = DurableTracing.StartEpisode(head.Name, workItem.InstanceId, traceParent);
        var now = _timeProvider.GetUtcNow();
        var commit = _planner.Plan(session, head, workItem.Messages, now);
        var cacheable = commit.NewEvents.Count > 0 && !session.History.IsEnded && session.Executor is not null;
        if (cacheable)
        {
            // Cached before the commit: the next episode may start the moment the commit releases the lock.
            session.IsCommitting = true;
            _cache.Put(session);
        }

        try
        {
            session.Version = await _store.CompleteOrchestrationAsync(workItem, commit, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The session holds history the store did not take: no later work item may match it.
            session.Version = null;
            if (cacheable)
            {
                _cache.Remove(workItem.InstanceId, session);
            }

            if (exception is not StoreConflictException)
            {
                throw;
            }

            LogConflict(workItem.InstanceId, exception.Message);
            return;
        }
        finally
        {
            session.IsCommitting = false;
        }

        // Metrics first: a client woken by the notification may read them at once.
        _metrics.RecordEpisode(commit.Instance.Name, head.Status, commit.Instance.Status);
        _metrics.RecordTimers(commit.Instance.Name, commit.NewEvents, now);
        _notifier.Notify(commit.Instance);
        LogEpisode(workItem.InstanceId, workItem.Messages.Count, commit.NewEvents.Count, commit.Instance.Status);
    }

    private async Task<OrchestrationSession> LoadAsync(InstanceRecord head, CancellationToken cancellationToken)
    {
        var session = new OrchestrationSession(head.InstanceId) { Version = head.Version };
        foreach (var historyEvent in await _store.ReadHistoryAsync(head.InstanceId, cancellationToken).ConfigureAwait(false))
        {
            session.History.Add(historyEvent);
        }

        return session;
    }

    private static ITaskOrchestrator? CreateOrchestrator(IDurableTaskFactory factory, IServiceProvider services, string name)
        => factory.TryCreateOrchestrator(name, services, out var orchestrator) ? orchestrator : null;

    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "Instance '{InstanceId}': episode of {MessageCount} message(s) recorded {EventCount} event(s); now {Status}.")]
    private partial void LogEpisode(string instanceId, int messageCount, int eventCount, OrchestrationRuntimeStatus status);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Instance '{InstanceId}': another worker committed first ({Reason}); the messages will be retried.")]
    private partial void LogConflict(string instanceId, string reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Instance '{InstanceId}': the store returned messages without an instance head; retrying later.")]
    private partial void LogMissingHead(string instanceId);
}
