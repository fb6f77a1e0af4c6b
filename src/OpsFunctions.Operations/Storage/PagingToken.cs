using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace OpsFunctions.Operations.Storage;

/// <summary>
/// The paging every feature's query shares: newest first by a time (UTC ticks), then id in ordinal order; a page size
/// of 1 to 1,000; and a continuation token naming the last record of the previous page (its time and id), so the next
/// page starts after it and records that arrive or change between two pages neither repeat nor push others out.
/// </summary>
/// <remarks>Tokens are opaque to callers and the same on every store of a feature.</remarks>
internal static class PagingToken
{
    /// <summary>The largest page size.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>The name of the page size field, which the exception names.</summary>
    public const string PageSizeField = "PageSize";

    /// <summary>The name of the token field, which the exception names.</summary>
    public const string TokenField = "ContinuationToken";

    private const string TokenVersion = "1";

    /// <summary>Checks the page size and reads the token.</summary>
    /// <returns>Where the page starts: after this time (UTC ticks) and id; <see langword="null"/> for the first page.</returns>
    /// <exception cref="ArgumentException">The page size is outside 1 to 1,000, or the token is not one a query returned.</exception>
    public static (long Ticks, string Id)? Validate(int pageSize, string? token)
    {
        if (pageSize is < 1 or > MaxPageSize)
        {
            throw new ArgumentException($"PageSize must be between 1 and {MaxPageSize}; it is {pageSize}.", PageSizeField);
        }

        return token is null ? null : Read(token);
    }

    /// <summary>Creates the token of the page that follows the record at <paramref name="ticks"/> with <paramref name="id"/>.</summary>
    public static string Create(long ticks, string id)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{TokenVersion}:{ticks}:{id}");
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Gets a value indicating whether a record at <paramref name="ticks"/> with <paramref name="id"/> comes after the position.</summary>
    public static bool IsAfter(long ticks, string id, (long Ticks, string Id) position)
        => ticks < position.Ticks || (ticks == position.Ticks && string.CompareOrdinal(id, position.Id) > 0);

    private static (long Ticks, string Id) Read(string token)
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
        => new("ContinuationToken is not a token a previous page returned; pass it back unchanged, or leave it out for the first page.", TokenField);
}
