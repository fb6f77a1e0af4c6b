using Azure.Data.Tables;
using Azure.Storage.Blobs;
using OpsFunctions.Durable.AzureStorage;

namespace OpsFunctions.Host.Hosting;

/// <summary>
/// Service clients for the host's own data in the engine's storage account (incidents, generated keys), from the
/// same <c>AzureWebJobsStorage</c> setting and with the engine's retries (<see cref="StorageRetries"/>).
/// </summary>
public static class AzureStorageAccount
{
    private const string MalformedConnection =
        "expected 'UseDevelopmentStorage=true' or 'DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...'.";

    /// <exception cref="InvalidOperationException">The setting is missing or malformed; the message names it.</exception>
    public static TableServiceClient Tables(IConfiguration configuration)
    {
        var connection = Connection(configuration);
        var options = StorageRetries.Apply(new TableClientOptions());
        return connection.ConnectionString is { } connectionString
            ? FromConnectionString(() => new TableServiceClient(connectionString, options), "table")
            : new TableServiceClient(connection.TableServiceUri!, connection.Credential!, options);
    }

    /// <exception cref="InvalidOperationException">The setting is missing or malformed; the message names it.</exception>
    public static BlobServiceClient Blobs(IConfiguration configuration)
    {
        var connection = Connection(configuration);
        var options = StorageRetries.Apply(new BlobClientOptions());
        return connection.ConnectionString is { } connectionString
            ? FromConnectionString(() => new BlobServiceClient(connectionString, options), "blob")
            : new BlobServiceClient(connection.BlobServiceUri!, connection.Credential!, options);
    }

    private static AzureStorageOptions Connection(IConfiguration configuration)
    {
        var connection = new AzureStorageOptions();
        AzureStorageConnection.Apply(connection, configuration, StorageRegistration.AzureStorageKey);
        return connection;
    }

    private static T FromConnectionString<T>(Func<T> create, string service)
    {
        try
        {
            return create();
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or InvalidOperationException)
        {
            // The SDK's message may quote the connection string, key included; say only what is wrong.
            throw new InvalidOperationException(
                $"Setting '{StorageRegistration.AzureStorageKey}' is not a storage connection string with a {service} endpoint: {MalformedConnection}");
        }
    }
}
