using OpsFunctions.Operations.Storage;

namespace OpsFunctions.Operations.Deployments.Storage;

/// <summary>
/// Keys of the deployment table, built with the keys every feature's table shares (<see cref="RecordTableKeys"/>: ids
/// escaped as the engine escapes instance ids, listing rows newest first, timeline rows by time).
/// </summary>
internal static class DeploymentTableKeys
{
    /// <summary>The partition that lists every deployment by start time, newest first.</summary>
    public const string ListPartition = "deployments";

    /// <summary>The partition of the freezes, one row each.</summary>
    public const string FreezePartition = "freezes";

    /// <summary>The row, in a deployment's partition, that points at its listing row.</summary>
    public const string RecordRow = "record";

    /// <summary>Gets the partition of one deployment: its record pointer and timeline.</summary>
    public static string DeploymentPartition(string deploymentId) => "deployment:" + RecordTableKeys.Encode(deploymentId);

    /// <summary>Gets the listing row key: start ticks inverted (newest first) in 19 digits, '_', the encoded id.</summary>
    public static string ListRow(long startedTicks, string deploymentId) => RecordTableKeys.DescendingRow(startedTicks, deploymentId);

    /// <summary>Gets a freeze's row key: its name's <see cref="DeploymentPaging.NameKey"/>, encoded, so names differing in case are one row.</summary>
    public static string FreezeRow(string name) => RecordTableKeys.Encode(DeploymentPaging.NameKey(name));
}
