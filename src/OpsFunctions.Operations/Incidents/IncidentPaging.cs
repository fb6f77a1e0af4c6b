using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace OpsFunctions.Operations.Incidents;

/// <summary>
/// The rules every <see cref="IIncidentStore"/> shares for <see cref="IIncidentStore.QueryAsync"/>: the page size
/// limit, the order (opened time newest first, then id in ordinal order) and the continuation token.
/// </summary>
/// <remarks>
/// A token names the last incident of the previous page (its opening time and id), so the next page starts after it:
/// incidents that open or change state between two pages neither repeat nor push others out. Tokens are opaque to
/// callers and the same on every store.
/// </remarks>
public static class IncidentPaging
{
    /// <summary>The largest <see cref="IncidentQuery.PageSize"/>.</summary>
    public const int MaxPageSize = 1000;

    private const string TokenVersion = "1";

    /// <summary>Checks the page size and reads the continuation token of <paramref name="query"/>.</summary>
    /// <returns>Where the page starts: after this opening time (UTC ticks) and id; <see langword="null"/> for the first page.</returns>
    /// <exception cref="ArgumentException">The page size is outside 1 to 1,000, or the token is not one a query returned.</exception>
    public static (long OpenedTicks, string Id)? Validate(IncidentQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.PageSize is < 1 or > MaxPageSize)
        {
            throw new ArgumentException(
                $"PageSize must be between 1 and {MaxPageSize}; it is {query.PageSize}.", nameof(IncidentQuery.PageSize));
        }

        return query.ContinuationToken is { } token ? ReadToken(token) : null;
    }

    /// <summary>Creates the token of the page that follows <paramref name="last"/>.</summary>
    public static string CreateToken(IncidentRecord last)
    {
        ArgumentNullException.ThrowIfNull(last);
        var text = string.Create(CultureInfo.InvariantCulture, $"{TokenVersion}:{last.OpenedAt.UtcTicks}:{last.Id}");
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Gets a value indicating whether <paramref name="record"/> comes after the position in query order.</summary>
    public static bool IsAfter(IncidentRecord record, (long OpenedTicks, string Id) position)
    {
        ArgumentNullException.ThrowIfNull(record);
        var ticks = record.OpenedAt.UtcTicks;
        return ticks < position.OpenedTicks
            || (ticks == position.OpenedTicks && string.CompareOrdinal(record.Id, position.Id) > 0);
    }

    private static (long OpenedTicks, string Id) ReadToken(string token)
    {
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw Malformed();
        }

        var parts = text.Split(':', 3);
        if (parts.Length != 3
            || parts[0] != TokenVersion
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks
            || parts[2].Length == 0)
        {
            throw Malformed();
        }

        return (ticks, parts[2]);
    }

    private static ArgumentException Malformed()
        => new("ContinuationToken is not a token a previous page returned; pass it back unchanged, or leave it out for the first page.", nameof(IncidentQuery.ContinuationToken));
}
