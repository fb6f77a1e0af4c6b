using System.Buffers;
using System.Globalization;
using System.Text;

namespace OpsFunctions.Operations.Storage;

/// <summary>
/// The keys every feature's table store builds the same way: ids escaped as the engine escapes instance ids (Azure
/// Tables refuse '/', '\', '#', '?' and control characters in keys, and '%' is escaped too so the encoding stays one
/// to one), listing rows newest first, and timeline rows by time (see <see cref="TableTimeline"/>).
/// </summary>
internal static class RecordTableKeys
{
    /// <summary>The row, in a record's own partition, that counts its timeline entries (their append order).</summary>
    public const string TimelineHeadRow = "timeline";

    /// <summary>Timeline rows are <c>t</c> + 19 digits of ticks + '-' + entry key; ':' follows '9'.</summary>
    public const string TimelineFirst = "t0";

    public const string TimelineEnd = "t:";

    /// <summary>Gets a listing row key: <paramref name="ticks"/> inverted (newest first) in 19 digits, '_', the encoded id.</summary>
    public static string DescendingRow(long ticks, string id) => Inverted(ticks) + "_" + Encode(id);

    /// <summary>Gets the inverted ticks prefix: rows at <paramref name="ticks"/> or later sort before it.</summary>
    public static string Inverted(long ticks)
        => (DateTimeOffset.MaxValue.UtcTicks - ticks).ToString("D19", CultureInfo.InvariantCulture);

    public static string TimelineRow(long ticks, string entryKey)
        => "t" + ticks.ToString("D19", CultureInfo.InvariantCulture) + "-" + entryKey;

    /// <summary>Escapes what Azure Tables refuse in keys as <c>%XX</c>, exactly as the engine escapes instance ids.</summary>
    public static string Encode(string id)
    {
        if (!id.AsSpan().ContainsAny(Escaped))
        {
            return id;
        }

        var builder = new StringBuilder(id.Length + 8);
        foreach (var c in id)
        {
            _ = Escaped.Contains(c) ? builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture)) : builder.Append(c);
        }

        return builder.ToString();
    }

    private static readonly SearchValues<char> Escaped = SearchValues.Create(
        "%/\\#?" + new string([.. Enumerable.Range(0, 32).Concat(Enumerable.Range(0x7F, 0x21)).Select(i => (char)i)]));
}
