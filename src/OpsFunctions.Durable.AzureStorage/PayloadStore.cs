using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// Blobs for payloads over the queue and table limits, in a folder per instance so a purge finds them.
/// </summary>
internal sealed class PayloadStore(BlobContainerClient container)
{
    public async Task<string> UploadAsync(string instanceId, string content, CancellationToken cancellationToken)
    {
        var name = $"{KeyEncoder.Encode(instanceId)}/{Guid.NewGuid():N}.json";
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(content), overwrite: true, cancellationToken).ConfigureAwait(false);
        return name;
    }

    public async Task<string> DownloadAsync(string name, CancellationToken cancellationToken)
    {
        var result = await container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        return result.Value.Content.ToString();
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
        => await container.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);

    public async Task DeleteInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, KeyEncoder.Encode(instanceId) + "/", cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException exception) when (exception.Status == 404)
            {
            }
        }
    }
}
