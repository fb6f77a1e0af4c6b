namespace OpsFunctions.Durable;

/// <summary>
/// Base class of orchestrators: deterministic code that schedules activities, timers and
/// sub-orchestrations through its <see cref="TaskOrchestrationContext"/>.
/// </summary>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TOutput">The output type.</typeparam>
/// <remarks>
/// The engine replays <see cref="RunAsync"/> against the recorded history on every episode, so the
/// code must take time, randomness and I/O only from the context.
/// </remarks>
public abstract class TaskOrchestrator<TInput, TOutput> : ITaskOrchestrator
{
    /// <inheritdoc/>
    public Type InputType => typeof(TInput);

    /// <inheritdoc/>
    public Type OutputType => typeof(TOutput);

    /// <summary>Runs the orchestration.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="input">The input.</param>
    /// <returns>The output.</returns>
    public abstract Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input);

    /// <inheritdoc/>
    async Task<object?> ITaskOrchestrator.RunAsync(TaskOrchestrationContext context, object? input)
    {
        // Stays on the replay scheduler: no ConfigureAwait(false) here.
#pragma warning disable CA2007
        return await RunAsync(context, (TInput)input!);
#pragma warning restore CA2007
    }
}
