using System.Buffers;
using System.Globalization;
using System.Text;

namespace OpsFunctions.Operations.Incidents.Storage;

/// <summary>
/// Keys of the incident table. Ids are escaped as the engine escapes instance ids: Azure Tables refuse '/', '\', '#',
/// '?' and control characters in keys, and '%' is escaped too so the encoding stays one to one.
/// </summary>
internal static class TableKeys
{
    /// <summary>The partition that lists every incident by opening time, newest first.</summary>
    public const string IndexPartition = "incidents";

    /// <summary>The row, in an incident's partition, that points at its index row.</summary>
    public const string RecordRow = "record";

    /// <summary>The row, in an incident's partition, that holds the report.</summary>
    public const string ReportRow = "report";

    /// <summary>The row, in an incident's partition, that counts timeline entries (their append order).</summary>
    public const string TimelineHeadRow = "timeline";

    /// <summary>Timeline rows are <c>t</c> + 19 digits of ticks + '-' + entry key; ':' follows '9'.</summary>
    public const string TimelineFirst = "t0";

    public const string TimelineEnd = "t:";

    /// <summary>Gets the partition of one incident: its record pointer, timeline and report.</summary>
    public static string IncidentPartition(string incidentId) => "incident:" + Encode(incidentId);

    /// <summary>Gets the index row key: opening ticks inverted (newest first) in 19 digits, '_', the encoded id.</summary>
    public static string IndexRow(long openedTicks, string incidentId) => Inverted(openedTicks) + "_" + Encode(incidentId);

    /// <summary>Gets the inverted ticks prefix: rows opened at <paramref name="openedTicks"/> or later sort before it.</summary>
    public static string Inverted(long openedTicks)
        => (DateTimeOffset.MaxValue.UtcTicks - openedTicks).ToString("D19", CultureInfo.InvariantCulture);

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
