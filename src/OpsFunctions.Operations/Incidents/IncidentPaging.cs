using OpsFunctions.Operations.Storage;

namespace OpsFunctions.Operations.Incidents;

/// <summary>
/// The rules every <see cref="IIncidentStore"/> shares for <see cref="IIncidentStore.QueryAsync"/>: the page size
/// limit, the order (opened time newest first, then id in ordinal order) and the continuation token.
/// </summary>
/// <remarks>
/// A token names the last incident of the previous page (its opening time and id), so the next page starts after it:
/// incidents that open or change state between two pages neither repeat nor push others out. Tokens are opaque to
/// callers and the same on every store (the paging of every feature's read model: <see cref="PagingToken"/>).
/// </remarks>
public static class IncidentPaging
{
    /// <summary>The largest <see cref="IncidentQuery.PageSize"/>.</summary>
    public const int MaxPageSize = PagingToken.MaxPageSize;

    /// <summary>Checks the page size and reads the continuation token of <paramref name="query"/>.</summary>
    /// <returns>Where the page starts: after this opening time (UTC ticks) and id; <see langword="null"/> for the first page.</returns>
    /// <exception cref="ArgumentException">The page size is outside 1 to 1,000, or the token is not one a query returned.</exception>
    public static (long OpenedTicks, string Id)? Validate(IncidentQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return PagingToken.Validate(query.PageSize, query.ContinuationToken);
    }

    /// <summary>Creates the token of the page that follows <paramref name="last"/>.</summary>
    public static string CreateToken(IncidentRecord last)
    {
        ArgumentNullException.ThrowIfNull(last);
        return PagingToken.Create(last.OpenedAt.UtcTicks, last.Id);
    }

    /// <summary>Gets a value indicating whether <paramref name="record"/> comes after the position in query order.</summary>
    public static bool IsAfter(IncidentRecord record, (long OpenedTicks, string Id) position)
    {
        ArgumentNullException.ThrowIfNull(record);
        return PagingToken.IsAfter(record.OpenedAt.UtcTicks, record.Id, position);
    }
}
