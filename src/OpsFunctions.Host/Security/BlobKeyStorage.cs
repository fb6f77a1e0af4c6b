using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace OpsFunctions.Host.Security;

/// <summary>
/// Keys in a blob of the task hub's private <c>&lt;hub&gt;-secrets</c> container. The create is conditional (the blob
/// must not exist), so of hosts starting together one writes and the rest read what it wrote.
/// </summary>
internal sealed class BlobKeyStorage(BlobServiceClient blobs, string hubName) : KeyStorage
{
    public const string BlobName = "host.keys.json";

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(ContainerName(hubName));

    public override string Location => $"blob '{_container.Name}/{BlobName}' of the storage account";

    public static string ContainerName(string hubName) => hubName.ToLowerInvariant() + "-secrets";

    internal override StoredKeys ReadOrCreate(Func<StoredKeys> generate)
    {
        var blob = _container.GetBlobClient(BlobName);
        if (TryRead(blob) is { } stored)
        {
            return stored;
        }

        _container.CreateIfNotExists(PublicAccessType.None);
        var generated = generate();
        try
        {
            blob.Upload(
                BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(generated, Json)),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } });
            return generated;
        }
        catch (RequestFailedException exception) when (exception.Status is 409 or 412)
        {
            // Another host stored first, or this upload did and its answer was lost before a retry: read what is there.
            return TryRead(blob) ?? throw new InvalidOperationException($"The keys in {Location} could not be stored or read.", exception);
        }
    }

    private StoredKeys? TryRead(BlobClient blob)
    {
        try
        {
            return Parse(blob.DownloadContent().Value.Content.ToMemory().Span);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }
}
