namespace OpsFunctions.Durable;

/// <summary>
/// Options for scheduling an activity or a sub-orchestration.
/// </summary>
/// <param name="Retry">Gets the retry options, or <see langword="null"/> for no retries.</param>
public record TaskOptions(TaskRetryOptions? Retry = null)
{
    /// <summary>Creates options that retry with <paramref name="policy"/>.</summary>
    /// <param name="policy">The retry policy.</param>
    /// <returns>The task options.</returns>
    public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(new TaskRetryOptions(policy));
}

/// <summary>
/// Options for scheduling a sub-orchestration.
/// </summary>
/// <param name="Retry">Gets the retry options.</param>
/// <param name="InstanceId">Gets the instance id of the sub-orchestration, or <see langword="null"/> to derive one.</param>
public record SubOrchestrationOptions(TaskRetryOptions? Retry = null, string? InstanceId = null) : TaskOptions(Retry)
{
    /// <summary>Initializes a new instance of the <see cref="SubOrchestrationOptions"/> class from task options.</summary>
    /// <param name="options">The options to copy.</param>
    /// <param name="instanceId">The instance id.</param>
    public SubOrchestrationOptions(TaskOptions options, string? instanceId = null)
        : this(options?.Retry, instanceId)
    {
    }
}

/// <summary>
/// How a failed task is retried.
/// </summary>
/// <param name="Policy">Gets the retry policy.</param>
public sealed record TaskRetryOptions(RetryPolicy Policy)
{
    /// <summary>Converts a policy to retry options.</summary>
    /// <param name="policy">The policy.</param>
    public static implicit operator TaskRetryOptions(RetryPolicy policy) => new(policy);

    /// <summary>Creates retry options from a policy.</summary>
    /// <param name="policy">The policy.</param>
    /// <returns>The options.</returns>
    public static TaskRetryOptions FromRetryPolicy(RetryPolicy policy) => new(policy);
}
