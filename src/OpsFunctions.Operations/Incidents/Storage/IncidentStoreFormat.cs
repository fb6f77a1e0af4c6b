using System.Text.Json;
using OpsFunctions.Operations.Storage;

namespace OpsFunctions.Operations.Incidents.Storage;

/// <summary>
/// The JSON of incident records, which the SQLite and Table incident stores share (timeline entries are kept as every
/// feature keeps them: <see cref="TimelineFormat"/>).
/// </summary>
internal static class IncidentStoreFormat
{
    /// <summary>The JSON of stored records (web defaults: camelCase, enums by name through their attributes).</summary>
    public static JsonSerializerOptions Json => TimelineFormat.Json;

    public static string Serialize(IncidentRecord record) => JsonSerializer.Serialize(record, Json);

    public static IncidentRecord DeserializeRecord(string json)
        => JsonSerializer.Deserialize<IncidentRecord>(json, Json) ?? throw new InvalidDataException("A stored incident record is null.");
}
