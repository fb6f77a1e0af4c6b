using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// The service clients of one storage account, with retries on throttling (503), server errors and network failures.
/// </summary>
internal sealed class StorageClients
{
    private StorageClients(TableServiceClient tables, QueueServiceClient queues, BlobServiceClient blobs)
    {
        Tables = tables;
        Queues = queues;
        Blobs = blobs;
    }

    public TableServiceClient Tables { get; }

    public QueueServiceClient Queues { get; }

    public BlobServiceClient Blobs { get; }

    /// <summary>Gets where the account is, for error messages; never carries a key.</summary>
    public string Endpoint => Queues.Uri.GetLeftPart(UriPartial.Authority);

    /// <exception cref="ArgumentException">The options name no account, or a malformed one.</exception>
    public static StorageClients Create(AzureStorageOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            try
            {
                return new StorageClients(
                    new TableServiceClient(options.ConnectionString, Configure(new TableClientOptions())),
                    new QueueServiceClient(options.ConnectionString, Configure(new QueueClientOptions())),
                    new BlobServiceClient(options.ConnectionString, Configure(new BlobClientOptions())));
            }
            catch (Exception exception) when (exception is FormatException or ArgumentException or InvalidOperationException)
            {
                // The SDK's message may quote the connection string, key included; say only what is wrong.
                throw new ArgumentException(
                    "The Azure Storage connection string is not valid: expected 'UseDevelopmentStorage=true' or "
                    + "'DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...' with table, queue and blob endpoints.",
                    nameof(options));
            }
        }

        if (options.TableServiceUri is null || options.QueueServiceUri is null || options.BlobServiceUri is null)
        {
            throw new ArgumentException(
                "The Azure Storage store needs a connection string, or table, queue and blob service URIs with a credential.",
                nameof(options));
        }

        var credential = options.Credential
            ?? throw new ArgumentException("Identity-based Azure Storage connections need a credential.", nameof(options));
        return new StorageClients(
            new TableServiceClient(options.TableServiceUri, credential, Configure(new TableClientOptions())),
            new QueueServiceClient(options.QueueServiceUri, credential, Configure(new QueueClientOptions())),
            new BlobServiceClient(options.BlobServiceUri, credential, Configure(new BlobClientOptions())));
    }

    private static T Configure<T>(T options)
        where T : ClientOptions
    {
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 6;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(5);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return options;
    }
}
