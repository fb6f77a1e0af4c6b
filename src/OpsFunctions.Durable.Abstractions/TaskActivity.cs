namespace OpsFunctions.Durable;

/// <summary>
/// Base class of activities: the units of work an orchestration schedules. Activities may do I/O
/// and run at least once.
/// </summary>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TOutput">The output type.</typeparam>
public abstract class TaskActivity<TInput, TOutput> : ITaskActivity
{
    /// <inheritdoc/>
    public Type InputType => typeof(TInput);

    /// <inheritdoc/>
    public Type OutputType => typeof(TOutput);

    /// <summary>Runs the activity.</summary>
    /// <param name="context">The activity context.</param>
    /// <param name="input">The input.</param>
    /// <returns>The output.</returns>
    public abstract Task<TOutput> RunAsync(TaskActivityContext context, TInput input);

    /// <inheritdoc/>
    async Task<object?> ITaskActivity.RunAsync(TaskActivityContext context, object? input)
        => await RunAsync(context, (TInput)input!).ConfigureAwait(false);
}
