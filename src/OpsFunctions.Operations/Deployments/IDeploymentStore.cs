namespace OpsFunctions.Operations.Deployments;

/// <summary>The query side of deployments: records, timelines and freezes.</summary>
/// <remarks>Activities run at least once, so every write is safe to repeat (upsert by id, timeline entries deduplicated).</remarks>
public interface IDeploymentStore
{
    /// <summary>Inserts or replaces the record with <see cref="DeploymentRecord.Id"/>.</summary>
    Task UpsertAsync(DeploymentRecord record, CancellationToken cancellationToken);

    /// <summary>Gets the record, or <see langword="null"/>.</summary>
    Task<DeploymentRecord?> GetAsync(string deploymentId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends entries to the deployment's timeline. An entry equal to one already there (same time, actor, kind and
    /// text) is skipped, so a retried activity does not duplicate its entries.
    /// </summary>
    Task AppendTimelineAsync(string deploymentId, IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken);

    /// <summary>Gets the timeline by time; entries of the same time in the order appended. Empty for an unknown deployment.</summary>
    Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string deploymentId, CancellationToken cancellationToken);

    /// <summary>Gets one page of the deployments that match, newest started first (ties by id).</summary>
    /// <exception cref="ArgumentException">
    /// <see cref="DeploymentQuery.PageSize"/> is outside 1 to 1,000, or <see cref="DeploymentQuery.ContinuationToken"/> is
    /// not a token a query returned; <see cref="ArgumentException.ParamName"/> names the field.
    /// </exception>
    Task<DeploymentPage> QueryAsync(DeploymentQuery query, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the freeze with <see cref="DeploymentFreeze.Name"/> (names compare case-insensitively).</summary>
    Task SaveFreezeAsync(DeploymentFreeze freeze, CancellationToken cancellationToken);

    /// <summary>Deletes the freeze; false when there was none of that name.</summary>
    Task<bool> DeleteFreezeAsync(string name, CancellationToken cancellationToken);

    /// <summary>Gets every stored freeze, by name; ended ones included (the caller compares <see cref="DeploymentFreeze.Until"/> with its clock).</summary>
    Task<IReadOnlyList<DeploymentFreeze>> GetFreezesAsync(CancellationToken cancellationToken);
}

/// <summary>Which deployments a query wants; every filter left <see langword="null"/> matches all.</summary>
public sealed record DeploymentQuery
{
    /// <summary>Gets the earliest start, inclusive.</summary>
    public DateTimeOffset? StartedFrom { get; init; }

    /// <summary>Gets the latest start, exclusive.</summary>
    public DateTimeOffset? StartedTo { get; init; }

    /// <summary>Gets the service (case-insensitive).</summary>
    public string? Service { get; init; }

    public DeploymentState? State { get; init; }

    /// <summary>Gets the most deployments one page holds (1 to 1,000).</summary>
    public int PageSize { get; init; } = 50;

    /// <summary>Gets where the page starts: the token of the previous page, or <see langword="null"/> for the first.</summary>
    public string? ContinuationToken { get; init; }
}

/// <summary>One page of deployments, and the token of the next page when there is one.</summary>
public sealed record DeploymentPage(IReadOnlyList<DeploymentRecord> Deployments, string? ContinuationToken);
