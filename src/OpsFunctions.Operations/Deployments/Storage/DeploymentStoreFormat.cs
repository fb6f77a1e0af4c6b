using System.Text.Json;
using OpsFunctions.Operations.Storage;

namespace OpsFunctions.Operations.Deployments.Storage;

/// <summary>
/// The JSON of deployment records and freezes, which the SQLite and Table deployment stores share (timeline entries are
/// kept as every feature keeps them: <see cref="TimelineFormat"/>).
/// </summary>
internal static class DeploymentStoreFormat
{
    public static string Serialize(DeploymentRecord record) => JsonSerializer.Serialize(record, TimelineFormat.Json);

    public static DeploymentRecord DeserializeRecord(string json)
        => JsonSerializer.Deserialize<DeploymentRecord>(json, TimelineFormat.Json) ?? throw new InvalidDataException("A stored deployment record is null.");

    public static string Serialize(DeploymentFreeze freeze) => JsonSerializer.Serialize(freeze, TimelineFormat.Json);

    public static DeploymentFreeze DeserializeFreeze(string json)
        => JsonSerializer.Deserialize<DeploymentFreeze>(json, TimelineFormat.Json) ?? throw new InvalidDataException("A stored deployment freeze is null.");

    /// <summary>Orders freezes by name, case-insensitively, as <see cref="IDeploymentStore.GetFreezesAsync"/> returns them.</summary>
    public static List<DeploymentFreeze> ByName(IEnumerable<DeploymentFreeze> freezes)
        => [.. freezes.OrderBy(f => DeploymentPaging.NameKey(f.Name), StringComparer.Ordinal)];

    /// <summary>Checks what every store refuses: a record without id, a freeze without name.</summary>
    public static void Validate(DeploymentRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.Id, nameof(record));
        ArgumentNullException.ThrowIfNull(record.Service, nameof(record));
    }

    /// <inheritdoc cref="Validate(DeploymentRecord)"/>
    public static void Validate(DeploymentFreeze freeze)
    {
        ArgumentNullException.ThrowIfNull(freeze);
        ArgumentException.ThrowIfNullOrEmpty(freeze.Name, nameof(freeze));
    }
}
