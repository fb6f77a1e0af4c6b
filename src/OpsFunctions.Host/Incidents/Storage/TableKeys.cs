using System.Globalization;
using System.Text.RegularExpressions;
using OpsFunctions.Durable.AzureStorage;

namespace OpsFunctions.Host.Incidents.Storage;

/// <summary>
/// Keys of the incident table. Ids are escaped as the engine escapes instance ids: Azure Tables refuse '/', '\', '#',
/// '?' and control characters in keys, and '%' is escaped too so the encoding stays one to one.
/// </summary>
internal static partial class TableKeys
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

    /// <summary>Gets the table of a task hub's incidents: <c>&lt;hub&gt;Incidents</c>.</summary>
    /// <exception cref="ArgumentException">The name breaks Azure Tables' rules; the message says which and why.</exception>
    public static string TableName(string hubName)
    {
        ArgumentException.ThrowIfNullOrEmpty(hubName);
        var name = hubName + "Incidents";
        if (!TableNamePattern().IsMatch(name))
        {
            throw new ArgumentException(
                $"Task hub name '{hubName}' gives table name '{name}', which Azure Tables refuse: table names are 3 to 63 letters and digits, starting with a letter.",
                nameof(hubName));
        }

        return name;
    }

    /// <summary>Gets the partition of one incident: its record pointer, timeline and report.</summary>
    public static string IncidentPartition(string incidentId) => "incident:" + Encode(incidentId);

    /// <summary>Gets the index row key: opening ticks inverted (newest first) in 19 digits, '_', the encoded id.</summary>
    public static string IndexRow(long openedTicks, string incidentId) => Inverted(openedTicks) + "_" + Encode(incidentId);

    /// <summary>Gets the inverted ticks prefix: rows opened at <paramref name="openedTicks"/> or later sort before it.</summary>
    public static string Inverted(long openedTicks)
        => (DateTimeOffset.MaxValue.UtcTicks - openedTicks).ToString("D19", CultureInfo.InvariantCulture);

    public static string TimelineRow(long ticks, string entryKey)
        => "t" + ticks.ToString("D19", CultureInfo.InvariantCulture) + "-" + entryKey;

    public static string Encode(string id) => KeyEncoder.Encode(id);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();
}
