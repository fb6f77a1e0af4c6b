using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Worker;

/// <summary>
/// The official hosted worker, backed by a store: one dispatch loop for orchestration episodes and one for activities,
/// each running up to its concurrency limit of work items at once. <c>UseSqlite()</c> and <c>UseAzureStorage()</c> select
/// it as the build target of <c>AddDurableTaskWorker</c>, as <c>UseGrpc()</c> selects the gRPC worker.
/// </summary>
internal sealed partial class StoreDurableTaskWorker : Microsoft.DurableTask.Worker.Hosting.DurableTaskWorker
{
    private const int PollersPerQueue = 4;
    private static readonly TimeSpan ErrorBackoff = TimeSpan.FromSeconds(1);

    private readonly IDurableStore _store;
    private readonly OrchestrationProcessor _orchestrations;
    private readonly ActivityProcessor _activities;
    private readonly DurableTaskOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly CancellationToken _hostStopping;

    public StoreDurableTaskWorker(
        string name,
        IDurableTaskFactory factory,
        IServiceProvider services,
        IDurableStore store,
        IOptionsMonitor<DurableTaskWorkerOptions> workerOptions,
        IOptions<DurableTaskOptions> options,
        TimeProvider timeProvider,
        ILogger<StoreDurableTaskWorker> logger,
        IHostApplicationLifetime? lifetime = null)
        : base(name, factory)
    {
        // The converter follows the official worker's rule: DurableTaskWorkerOptions.DataConverter, which defaults to
        // the DataConverter service the engine registers.
        var converter = workerOptions.Get(name).DataConverter;
        _hostStopping = lifetime?.ApplicationStopping ?? CancellationToken.None;
        _store = store;
        _orchestrations = ActivatorUtilities.CreateInstance<OrchestrationProcessor>(services, factory, converter);
        _activities = ActivatorUtilities.CreateInstance<ActivityProcessor>(services, factory, converter);
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Initialize before the host reports started, so a store that does not answer stops start-up with its error.
        await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        LogStarted(_options.HubName, _options.MaxConcurrentOrchestrations, _options.MaxConcurrentActivities);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Activities get their own stop signals: polling stops once the host begins to stop (an activity that observes
        // ApplicationStopping is handed back, and must not be taken again here), running activities get the grace period.
        using var activityStop = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider);
        using var activityPolling = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _hostStopping);
        var grace = _options.ShutdownGracePeriod;
        await using (stoppingToken.Register(() => activityStop.CancelAfter(grace)).ConfigureAwait(false))
        {
            await RunDispatchersAsync(activityStop.Token, activityPolling.Token, stoppingToken).ConfigureAwait(false);
        }
    }

    private Task RunDispatchersAsync(CancellationToken activityStopToken, CancellationToken activityPollingToken, CancellationToken stoppingToken)
        => Task.WhenAll(
            DispatchAsync(
                WorkItemKind.Orchestration,
                _options.MaxConcurrentOrchestrations,
                ct => _store.TryLockOrchestrationAsync(_options.LockTimeout, DurableTaskConstants.MaxMessagesPerEpisode, ct),
                ProcessOrchestrationAsync,
                stoppingToken),
            DispatchAsync(
                WorkItemKind.Activity,
                _options.MaxConcurrentActivities,
                ct => _store.TryLockActivityAsync(_options.LockTimeout, ct),
                (workItem, _) => ProcessActivityAsync(workItem, activityStopToken),
                activityPollingToken));

    private async Task DispatchAsync<TWorkItem>(
        WorkItemKind kind,
        int concurrency,
        Func<CancellationToken, Task<TWorkItem?>> tryLock,
        Func<TWorkItem, CancellationToken, Task> process,
        CancellationToken stoppingToken)
        where TWorkItem : class
    {
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        var running = new HashSet<Task>();

        // Several loops lock at once, so a store that batches writes takes their locks in one commit.
        var pollers = Math.Min(concurrency, PollersPerQueue);
        await Task.WhenAll(Enumerable.Range(0, pollers).Select(_ => PollAsync(kind, slots, running, tryLock, process, stoppingToken))).ConfigureAwait(false);

        Task[] remaining;
        lock (running)
        {
            remaining = [.. running];
        }

        await Task.WhenAll(remaining).ConfigureAwait(false);
    }

    private async Task PollAsync<TWorkItem>(
        WorkItemKind kind,
        SemaphoreSlim slots,
        HashSet<Task> running,
        Func<CancellationToken, Task<TWorkItem?>> tryLock,
        Func<TWorkItem, CancellationToken, Task> process,
        CancellationToken stoppingToken)
        where TWorkItem : class
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                TWorkItem? workItem;
                try
                {
                    workItem = await tryLock(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    slots.Release();
                    LogLockFailed(kind, exception);
                    await Task.Delay(ErrorBackoff, _timeProvider, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                if (workItem is null)
                {
                    slots.Release();
                    await _store.WaitForWorkAsync(kind, _options.MaxPollingInterval, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                var task = Task.Run(() => process(workItem, stoppingToken), CancellationToken.None);
                lock (running)
                {
                    running.Add(task);
                }

                _ = task.ContinueWith(
                    completed =>
                    {
                        lock (running)
                        {
                            running.Remove(completed);
                        }

                        slots.Release();
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ProcessOrchestrationAsync(OrchestrationWorkItem workItem, CancellationToken stoppingToken)
    {
        try
        {
            // An episode is short; let it finish on shutdown so its commit lands.
            await _orchestrations.ProcessAsync(workItem, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogEpisodeFailed(workItem.InstanceId, exception);
            await TryAsync(() => _store.AbandonOrchestrationAsync(workItem, ErrorBackoff, CancellationToken.None)).ConfigureAwait(false);
        }
    }

    private async Task ProcessActivityAsync(ActivityWorkItem workItem, CancellationToken stoppingToken)
    {
        try
        {
            await _activities.ProcessAsync(workItem, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogActivityFailed(workItem.Message.Name, workItem.Message.InstanceId, exception);
            await TryAsync(() => _store.AbandonActivityAsync(workItem, ErrorBackoff, CancellationToken.None)).ConfigureAwait(false);
        }
    }

    private async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogAbandonFailed(exception);
        }
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Durable worker started on task hub '{HubName}' ({Orchestrations} concurrent episodes, {Activities} concurrent activities).")]
    private partial void LogStarted(string hubName, int orchestrations, int activities);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Locking the next {Kind} work item failed; retrying.")]
    private partial void LogLockFailed(WorkItemKind kind, Exception exception);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "The episode of instance '{InstanceId}' failed; its messages will be retried.")]
    private partial void LogEpisodeFailed(string instanceId, Exception exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Activity '{Name}' of instance '{InstanceId}' could not be completed; it will be retried.")]
    private partial void LogActivityFailed(string name, string instanceId, Exception exception);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Abandoning a work item failed; its lock will expire instead.")]
    private partial void LogAbandonFailed(Exception exception);
}
