using OpsFunctions.Operations.Storage;

namespace OpsFunctions.Operations.Deployments.Storage;

/// <summary>
/// The rules every <see cref="IDeploymentStore"/> shares for <see cref="IDeploymentStore.QueryAsync"/>: the page size
/// limit, the order (start time newest first, then id in ordinal order) and the continuation token.
/// </summary>
/// <remarks>
/// A token names the last deployment of the previous page (its start time and id), so the next page starts after it:
/// deployments that start or change state between two pages neither repeat nor push others out. Tokens are opaque to
/// callers and the same on every store (the paging of every feature's read model: <see cref="PagingToken"/>).
/// </remarks>
public static class DeploymentPaging
{
    /// <summary>The largest <see cref="DeploymentQuery.PageSize"/>.</summary>
    public const int MaxPageSize = PagingToken.MaxPageSize;

    /// <summary>Checks the page size and reads the continuation token of <paramref name="query"/>.</summary>
    /// <returns>Where the page starts: after this start time (UTC ticks) and id; <see langword="null"/> for the first page.</returns>
    /// <exception cref="ArgumentException">The page size is outside 1 to 1,000, or the token is not one a query returned.</exception>
    public static (long StartedTicks, string Id)? Validate(DeploymentQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return PagingToken.Validate(query.PageSize, query.ContinuationToken);
    }

    /// <summary>Creates the token of the page that follows <paramref name="last"/>.</summary>
    public static string CreateToken(DeploymentRecord last)
    {
        ArgumentNullException.ThrowIfNull(last);
        return PagingToken.Create(last.StartedAt.UtcTicks, last.Id);
    }

    /// <summary>Gets a value indicating whether <paramref name="record"/> comes after the position in query order.</summary>
    public static bool IsAfter(DeploymentRecord record, (long StartedTicks, string Id) position)
    {
        ArgumentNullException.ThrowIfNull(record);
        return PagingToken.IsAfter(record.StartedAt.UtcTicks, record.Id, position);
    }

    /// <summary>
    /// Gets the form of a service or freeze name the stores compare: upper case, invariant culture, so <c>Payments</c>
    /// and <c>payments</c> are one service and one freeze on every store.
    /// </summary>
    public static string NameKey(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToUpperInvariant();
    }
}
