using Microsoft.Extensions.Logging;

namespace OpsFunctions.Durable;

/// <summary>
/// What an orchestrator uses to schedule work and read durable state.
/// </summary>
/// <remarks>
/// Every method here is replay-safe: on replay, a call returns the recorded result instead of
/// doing the work again. Awaiting anything that does not come from this context breaks replay.
/// </remarks>
public abstract class TaskOrchestrationContext
{
    /// <summary>Gets the name of the orchestrator.</summary>
    public abstract TaskName Name { get; }

    /// <summary>Gets the id of the instance.</summary>
    public abstract string InstanceId { get; }

    /// <summary>Gets the time of the current episode, the same on every replay of it.</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>Gets a value indicating whether the code is replaying recorded history.</summary>
    public abstract bool IsReplaying { get; }

    /// <summary>Gets the logger factory behind <see cref="CreateReplaySafeLogger(string)"/>.</summary>
    protected abstract ILoggerFactory LoggerFactory { get; }

    /// <summary>Gets the input of the orchestration.</summary>
    /// <typeparam name="T">The type to read the input as.</typeparam>
    /// <returns>The input.</returns>
    public abstract T? GetInput<T>();

    /// <summary>Schedules an activity and returns its result.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="name">The activity name.</param>
    /// <param name="input">The input; serialized to JSON.</param>
    /// <param name="options">Retry options.</param>
    /// <returns>The result.</returns>
    /// <exception cref="TaskFailedException">The activity failed (after every retry).</exception>
    public abstract Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null);

    /// <inheritdoc cref="CallActivityAsync{TResult}(TaskName, object?, TaskOptions?)"/>
    public virtual Task CallActivityAsync(TaskName name, object? input = null, TaskOptions? options = null)
        => CallActivityAsync<object?>(name, input, options);

    /// <summary>Starts a sub-orchestration and returns its output.</summary>
    /// <typeparam name="TResult">The output type.</typeparam>
    /// <param name="orchestratorName">The orchestrator name.</param>
    /// <param name="input">The input.</param>
    /// <param name="options">Retry options and, with <see cref="SubOrchestrationOptions"/>, the instance id.</param>
    /// <returns>The output.</returns>
    /// <exception cref="TaskFailedException">The sub-orchestration failed.</exception>
    public abstract Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null);

    /// <inheritdoc cref="CallSubOrchestratorAsync{TResult}(TaskName, object?, TaskOptions?)"/>
    public virtual Task CallSubOrchestratorAsync(TaskName orchestratorName, object? input = null, TaskOptions? options = null)
        => CallSubOrchestratorAsync<object?>(orchestratorName, input, options);

    /// <summary>Creates a durable timer.</summary>
    /// <param name="fireAt">When the timer fires (UTC).</param>
    /// <param name="cancellationToken">Cancels the wait; the timer itself stays recorded.</param>
    /// <returns>A task that completes when the timer fires.</returns>
    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    /// <summary>Creates a durable timer that fires after <paramref name="delay"/>.</summary>
    /// <param name="delay">The delay from <see cref="CurrentUtcDateTime"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the timer fires.</returns>
    public virtual Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken)
        => CreateTimer(CurrentUtcDateTime.Add(delay), cancellationToken);

    /// <summary>Waits for an event raised on this instance.</summary>
    /// <typeparam name="T">The type of the event payload.</typeparam>
    /// <param name="eventName">The event name (case-insensitive).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The payload.</returns>
    /// <remarks>Events raised before the wait are buffered and delivered in order.</remarks>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>Waits for an event, or throws <see cref="TaskCanceledException"/> after <paramref name="timeout"/>.</summary>
    /// <typeparam name="T">The type of the event payload.</typeparam>
    /// <param name="eventName">The event name (case-insensitive).</param>
    /// <param name="timeout">How long to wait, on a durable timer.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="TaskCanceledException">No event arrived within <paramref name="timeout"/>.</exception>
    public virtual async Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout)
    {
        // Continuations must stay on the replay scheduler: no ConfigureAwait(false) in this method.
#pragma warning disable CA2007
        using var cancellation = new CancellationTokenSource();
        var eventTask = WaitForExternalEvent<T>(eventName, cancellation.Token);
        var timerTask = CreateTimer(timeout, cancellation.Token);
        var winner = await Task.WhenAny(eventTask, timerTask);
        // Cancel synchronously: CancelAsync would run the callbacks on the thread pool, off the replay scheduler.
#pragma warning disable VSTHRD103, CA1849
        cancellation.Cancel();
#pragma warning restore VSTHRD103, CA1849
        if (winner == eventTask)
        {
            return await eventTask;
        }

        throw new TaskCanceledException($"No '{eventName}' event arrived within {timeout}.");
#pragma warning restore CA2007
    }

    /// <summary>Restarts the orchestration with new input and empty history once the current code returns.</summary>
    /// <param name="newInput">The input of the next execution.</param>
    /// <param name="preserveUnprocessedEvents">Whether events not yet consumed are delivered to the next execution.</param>
    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true);

    /// <summary>Sets a status value readable by clients while the orchestration runs.</summary>
    /// <param name="customStatus">The status; serialized to JSON.</param>
    public abstract void SetCustomStatus(object? customStatus);

    /// <summary>Creates a GUID that is the same on every replay.</summary>
    /// <returns>The GUID.</returns>
    public abstract Guid NewGuid();

    /// <summary>Creates a logger that writes only when the code is not replaying.</summary>
    /// <param name="categoryName">The category.</param>
    /// <returns>The logger.</returns>
    public virtual ILogger CreateReplaySafeLogger(string categoryName)
        => new ReplaySafeLogger(this, LoggerFactory.CreateLogger(categoryName));

    /// <inheritdoc cref="CreateReplaySafeLogger(string)"/>
    /// <param name="type">The type whose name is the category.</param>
    public virtual ILogger CreateReplaySafeLogger(Type type)
        => CreateReplaySafeLogger(type?.FullName ?? throw new ArgumentNullException(nameof(type)));

    /// <inheritdoc cref="CreateReplaySafeLogger(string)"/>
    /// <typeparam name="T">The type whose name is the category.</typeparam>
    public virtual ILogger<T> CreateReplaySafeLogger<T>()
        => new ReplaySafeLogger<T>(this, LoggerFactory.CreateLogger<T>());

    private class ReplaySafeLogger(TaskOrchestrationContext context, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => !context.IsReplaying && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!context.IsReplaying)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }

    private sealed class ReplaySafeLogger<T>(TaskOrchestrationContext context, ILogger inner)
        : ReplaySafeLogger(context, inner), ILogger<T>;
}
