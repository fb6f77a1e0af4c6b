using System.Text.Json;
using OpsFunctions.Host.Hosting;

namespace OpsFunctions.Host.Security;

/// <summary>
/// Where keys the configuration leaves unset are kept, with the task hub: a file beside the embedded store, or a blob
/// in the storage account, so every host on an Azure Storage hub accepts the same keys and redeems the same approval
/// links. The first host to store keys wins; every other host reads the winner's.
/// </summary>
public abstract class KeyStorage
{
    private protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Gets where the keys are, for the start-up message; never the keys themselves.</summary>
    public abstract string Location { get; }

    /// <summary>Picks the storage of the store the host runs on (<see cref="StorageRegistration"/>).</summary>
    public static KeyStorage For(IConfiguration configuration, HostPaths paths)
        => StorageRegistration.UsesAzureStorage(configuration)
            ? new BlobKeyStorage(AzureStorageAccount.Blobs(configuration), paths.HubName)
            : new FileKeyStorage(paths.KeysFile);

    /// <summary>Reads the stored keys, or stores <paramref name="generate"/>'s unless another host stored first.</summary>
    internal abstract StoredKeys ReadOrCreate(Func<StoredKeys> generate);

    private protected StoredKeys Parse(ReadOnlySpan<byte> json)
        => JsonSerializer.Deserialize<StoredKeys>(json, Json) is { Function.Length: > 0, Admin.Length: > 0, SigningKey.Length: > 0 } keys
            ? keys
            : throw new InvalidOperationException(
                $"The keys in {Location} are incomplete; delete them to generate new keys, or set {HostKeys.FunctionKeyName}, {HostKeys.AdminKeyName} and {HostKeys.SigningKeyName}.");
}

internal sealed record StoredKeys(string Function, string Admin, string SigningKey);
