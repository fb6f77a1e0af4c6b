using OpsFunctions.Operations.Storage;

namespace OpsFunctions.Operations.Incidents.Storage;

/// <summary>
/// Keys of the incident table, built with the keys every feature's table shares (<see cref="RecordTableKeys"/>: ids
/// escaped as the engine escapes instance ids, listing rows newest first, timeline rows by time).
/// </summary>
internal static class TableKeys
{
    /// <summary>The partition that lists every incident by opening time, newest first.</summary>
    public const string IndexPartition = "incidents";

    /// <summary>The row, in an incident's partition, that points at its index row.</summary>
    public const string RecordRow = "record";

    /// <summary>The row, in an incident's partition, that holds the report.</summary>
    public const string ReportRow = "report";

    /// <summary>Gets the partition of one incident: its record pointer, timeline and report.</summary>
    public static string IncidentPartition(string incidentId) => "incident:" + Encode(incidentId);

    /// <summary>Gets the index row key: opening ticks inverted (newest first) in 19 digits, '_', the encoded id.</summary>
    public static string IndexRow(long openedTicks, string incidentId) => RecordTableKeys.DescendingRow(openedTicks, incidentId);

    /// <inheritdoc cref="RecordTableKeys.Inverted"/>
    public static string Inverted(long openedTicks) => RecordTableKeys.Inverted(openedTicks);

    /// <inheritdoc cref="RecordTableKeys.Encode"/>
    public static string Encode(string id) => RecordTableKeys.Encode(id);
}
