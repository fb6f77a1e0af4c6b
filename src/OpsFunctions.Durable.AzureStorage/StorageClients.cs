using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// The service clients of one storage account, with retries on throttling (503), server errors and network failures.
/// </summary>
internal sealed class StorageClients
{
    private StorageClients(TableServiceClient tables, QueueServiceClient queues, BlobServiceClient blobs, RequestCounter requests)
    {
        Requests = requests;
        Tables = tables;
        Queues = queues;
        Blobs = blobs;
    }

    public TableServiceClient Tables { get; }

    public QueueServiceClient Queues { get; }

    public BlobServiceClient Blobs { get; }

    /// <summary>Gets the count of requests sent to the account, retries included, by service.</summary>
    public RequestCounter Requests { get; }

    /// <summary>Gets where the account is, for error messages; never carries a key.</summary>
    public string Endpoint => Queues.Uri.GetLeftPart(UriPartial.Authority);

    /// <exception cref="ArgumentException">The options name no account, or a malformed one.</exception>
    public static StorageClients Create(AzureStorageOptions options)
    {
        var counter = new RequestCounter();
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            try
            {
                return new StorageClients(
                    new TableServiceClient(options.ConnectionString, Configure(new TableClientOptions(), counter)),
                    new QueueServiceClient(options.ConnectionString, Configure(new QueueClientOptions(), counter)),
                    new BlobServiceClient(options.ConnectionString, Configure(new BlobClientOptions(), counter)),
                    counter);
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
            new TableServiceClient(options.TableServiceUri, credential, Configure(new TableClientOptions(), counter)),
            new QueueServiceClient(options.QueueServiceUri, credential, Configure(new QueueClientOptions(), counter)),
            new BlobServiceClient(options.BlobServiceUri, credential, Configure(new BlobClientOptions(), counter)),
            counter);
    }

    private static T Configure<T>(T options, RequestCounter counter)
        where T : ClientOptions
    {
        options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        return StorageRetries.Apply(options);
    }
}

/// <summary>
/// Counts requests by service, for benchmarks: storage operations, not bytes, bound throughput on a storage account.
/// </summary>
internal sealed class RequestCounter : HttpPipelineSynchronousPolicy
{
    private long _tables;
    private long _queues;
    private long _blobs;

    public long Tables => Interlocked.Read(ref _tables);

    public long Queues => Interlocked.Read(ref _queues);

    public long Blobs => Interlocked.Read(ref _blobs);

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var host = message.Request.Uri.Host ?? string.Empty;
        var port = message.Request.Uri.Port;
        if (host.Contains(".table.", StringComparison.Ordinal) || port == 10002)
        {
            Interlocked.Increment(ref _tables);
        }
        else if (host.Contains(".queue.", StringComparison.Ordinal) || port == 10001)
        {
            Interlocked.Increment(ref _queues);
        }
        else
        {
            Interlocked.Increment(ref _blobs);
        }
    }
}
