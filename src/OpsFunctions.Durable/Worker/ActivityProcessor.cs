using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsFunctions.Durable.Diagnostics;
using OpsFunctions.Durable.Execution;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Worker;

/// <summary>
/// Runs one activity work item and sends its result (or failure) back to the instance, renewing the
/// lock while the activity runs.
/// </summary>
/// <remarks>
/// The official <see cref="TaskActivityContext"/> carries no cancellation token. An activity that should stop when the
/// host stops observes <see cref="IHostApplicationLifetime.ApplicationStopping"/>, as any hosted code does; an activity
/// that ends with <see cref="OperationCanceledException"/> once stopping began is handed back for redelivery, not failed.
/// </remarks>
internal sealed partial class ActivityProcessor
{
    private readonly IDurableStore _store;
    private readonly IDurableTaskFactory _factory;
    private readonly IServiceScopeFactory _scopes;
    private readonly DataConverter _converter;
    private readonly TimeProvider _timeProvider;
    private readonly DurableTaskOptions _options;
    private readonly ILogger _logger;
    private readonly DurableMetrics _metrics;
    private readonly CancellationToken _hostStopping;

    public ActivityProcessor(
        IDurableStore store,
        IDurableTaskFactory factory,
        IServiceScopeFactory scopes,
        DataConverter converter,
        TimeProvider timeProvider,
        IOptions<DurableTaskOptions> options,
        DurableMetrics metrics,
        ILogger<ActivityProcessor> logger,
        IHostApplicationLifetime? lifetime = null)
    {
        _metrics = metrics;
        _hostStopping = lifetime?.ApplicationStopping ?? CancellationToken.None;
        _store = store;
        _factory = factory;
        _scopes = scopes;
        _converter = converter;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
    }

    public async Task ProcessAsync(ActivityWorkItem workItem, CancellationToken cancellationToken)
    {
        var message = workItem.Message;
        HistoryEvent result;
        using (var renewal = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var renewing = RenewLockAsync(workItem, renewal.Token);
            var started = _timeProvider.GetTimestamp();
            using var span = DurableTracing.StartActivity(message.Name, message.InstanceId, message.TraceParent);
            try
            {
                result = await RunAsync(workItem, cancellationToken).ConfigureAwait(false);
                _metrics.RecordActivity(message.Name, _timeProvider.GetElapsedTime(started), result is TaskFailed);
                if (result is TaskFailed failed)
                {
                    span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, failed.Failure.ErrorMessage);
                }
            }
            catch (OperationCanceledException) when (IsStopping(cancellationToken))
            {
                // Shutting down: hand the activity back so another worker (or this one, restarted) runs it.
                await renewal.CancelAsync().ConfigureAwait(false);
                await renewing.ConfigureAwait(false);
                await _store.AbandonActivityAsync(workItem, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
                return;
            }

            await renewal.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
        }

        var response = new OrchestrationMessage(message.InstanceId, message.ExecutionId, result);
        if (!await _store.CompleteActivityAsync(workItem, response, CancellationToken.None).ConfigureAwait(false))
        {
            LogLockLost(message.Name, message.TaskId, message.InstanceId);
        }
    }

    private async Task<HistoryEvent> RunAsync(ActivityWorkItem workItem, CancellationToken cancellationToken)
    {
        var message = workItem.Message;
        var now = _timeProvider.GetUtcNow();
        if (workItem.DequeueCount > _options.MaxDequeueCount)
        {
            LogPoison(message.Name, message.TaskId, message.InstanceId, workItem.DequeueCount - 1);
            return new TaskFailed(message.TaskId, Failures.Create(
                "PoisonMessage",
                $"Activity '{message.Name}' was started {workItem.DequeueCount - 1} times without finishing; it is failed instead of retried again."))
            { Timestamp = now };
        }

        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            return await RunAsync(workItem, scope.ServiceProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HistoryEvent> RunAsync(ActivityWorkItem workItem, IServiceProvider services, CancellationToken cancellationToken)
    {
        var message = workItem.Message;
        try
        {
            if (!_factory.TryCreateActivity(message.Name, services, out var activity))
            {
                return Failed(message, Failures.Create(
                    "ActivityNotFound", $"No activity named '{message.Name}' is registered with this worker."));
            }

            object? input;
            try
            {
                input = _converter.Deserialize(message.Input, activity.InputType);
            }
            catch (Exception exception)
            {
                return Failed(message, Failures.Create(
                    exception.GetType().FullName!,
                    $"The input of activity '{message.Name}' does not deserialize to {activity.InputType.Name}: {exception.Message}"));
            }

            // An activity that ignores cancellation is left behind once the grace period ends: its work item is
            // handed back, and a result it produces later finds its lock gone.
            var output = await activity.RunAsync(new ActivityContext(message.Name, message.InstanceId), input)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            string? serialized;
            try
            {
                serialized = _converter.Serialize(output);
            }
            catch (Exception exception)
            {
                return Failed(message, Failures.Create(
                    exception.GetType().FullName!,
                    $"The output of activity '{message.Name}' does not serialize: {exception.Message}"));
            }

            return new TaskCompleted(message.TaskId, serialized) { Timestamp = _timeProvider.GetUtcNow() };
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !IsStopping(cancellationToken))
        {
            return Failed(message, Failures.FromException(exception));
        }
    }

    private bool IsStopping(CancellationToken cancellationToken)
        => cancellationToken.IsCancellationRequested || _hostStopping.IsCancellationRequested;

    private TaskFailed Failed(ActivityMessage message, TaskFailureDetails failure)
        => new(message.TaskId, failure) { Timestamp = _timeProvider.GetUtcNow() };

    private async Task RenewLockAsync(ActivityWorkItem workItem, CancellationToken cancellationToken)
    {
        var interval = _options.LockTimeout / 2;
        try
        {
            while (true)
            {
                await Task.Delay(interval, _timeProvider, cancellationToken).ConfigureAwait(false);
                if (!await _store.RenewActivityLockAsync(workItem, _options.LockTimeout, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception exception)
        {
            LogRenewFailed(workItem.Message.Name, workItem.Message.InstanceId, exception.Message);
        }
    }

    private sealed class ActivityContext(TaskName name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name { get; } = name;

        public override string InstanceId { get; } = instanceId;
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Activity '{Name}' (#{TaskId}) of instance '{InstanceId}' finished after its lock was lost; its result was discarded and the activity runs again.")]
    private partial void LogLockLost(string name, int taskId, string instanceId);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Error, Message = "Activity '{Name}' (#{TaskId}) of instance '{InstanceId}' was started {Attempts} times without finishing; failing it as poison.")]
    private partial void LogPoison(string name, int taskId, string instanceId, int attempts);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Renewing the lock of activity '{Name}' of instance '{InstanceId}' failed: {Reason}")]
    private partial void LogRenewFailed(string name, string instanceId, string reason);
}
