namespace OpsFunctions.Durable.Client;

/// <summary>
/// A filter over instances.
/// </summary>
/// <param name="CreatedFrom">Gets the earliest creation time, inclusive.</param>
/// <param name="CreatedTo">Gets the latest creation time, exclusive.</param>
/// <param name="Statuses">Gets the statuses to include; all when <see langword="null"/>.</param>
public record OrchestrationQuery(
    DateTimeOffset? CreatedFrom = null,
    DateTimeOffset? CreatedTo = null,
    IEnumerable<OrchestrationRuntimeStatus>? Statuses = null)
{
    /// <summary>The page size used when none is given.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>Gets the prefix instance ids must start with.</summary>
    public string? InstanceIdPrefix { get; init; }

    /// <summary>Gets the number of instances per page.</summary>
    /// <value>100 unless set.</value>
    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>Gets the continuation token of the page to start at.</summary>
    public string? ContinuationToken { get; init; }

    /// <summary>Gets a value indicating whether inputs, outputs and custom status are fetched.</summary>
    public bool FetchInputsAndOutputs { get; init; }
}

/// <summary>
/// Which ended instances to purge.
/// </summary>
/// <param name="CreatedFrom">Gets the earliest creation time, inclusive.</param>
/// <param name="CreatedTo">Gets the latest creation time, exclusive.</param>
/// <param name="Statuses">Gets the statuses to purge; every ended status when <see langword="null"/>.</param>
public record PurgeInstancesFilter(
    DateTimeOffset? CreatedFrom = null,
    DateTimeOffset? CreatedTo = null,
    IEnumerable<OrchestrationRuntimeStatus>? Statuses = null);

/// <summary>
/// The result of a purge.
/// </summary>
/// <param name="PurgedInstanceCount">Gets the number of instances deleted.</param>
public sealed record PurgeResult(int PurgedInstanceCount);
