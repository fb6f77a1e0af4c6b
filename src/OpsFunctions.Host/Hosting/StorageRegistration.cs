using OpsFunctions.Durable;
using OpsFunctions.Durable.AzureStorage;
using OpsFunctions.Operations.Storage;

namespace OpsFunctions.Host.Hosting;

/// <summary>
/// The one place the host picks its store: Azure Storage when <c>AzureWebJobsStorage</c> (or its
/// identity-based <c>AzureWebJobsStorage__accountName</c> form) is configured, else the embedded SQLite store.
/// </summary>
public static class StorageRegistration
{
    public const string AzureStorageKey = "AzureWebJobsStorage";

    public static IDurableTaskBuilder UseConfiguredStorage(this IDurableTaskBuilder builder, IConfiguration configuration, HostPaths paths)
        => UsesAzureStorage(configuration)
            ? UseAzureStorage(builder, configuration)
            : builder.UseSqlite($"Data Source={paths.DatabaseFile}");

    /// <summary>
    /// Puts the features' records beside the engine's store, by the same rule: Tables in the same account, or SQLite files
    /// in the data directory. A malformed connection setting fails here, with a message naming it.
    /// </summary>
    public static IServiceCollection AddRecordStorage(this IServiceCollection services, IConfiguration configuration, HostPaths paths)
        => services.AddSingleton(UsesAzureStorage(configuration)
            ? RecordStorage.InTables(AzureStorageAccount.Tables(configuration), paths.HubName)
            : RecordStorage.InDirectory(paths.DataDirectory, paths.HubName));

    public static bool UsesAzureStorage(IConfiguration configuration)
        => AzureStorageConnection.IsConfigured(configuration, AzureStorageKey);

    /// <summary>
    /// Reads the connection now, so a malformed setting stops start-up with a message naming it; the partition count
    /// comes from <c>extensions:durableTask:storageProvider:partitionCount</c>, as in Durable Functions.
    /// </summary>
    private static IDurableTaskBuilder UseAzureStorage(IDurableTaskBuilder builder, IConfiguration configuration)
    {
        var connection = new AzureStorageOptions();
        AzureStorageConnection.Apply(connection, configuration, AzureStorageKey);
        var partitions = configuration.GetValue<int?>($"{EngineRegistration.DurableTaskSection}:storageProvider:partitionCount");
        if (partitions is < 1 or > 16)
        {
            throw new InvalidOperationException(
                $"Setting '{EngineRegistration.DurableTaskSection}:storageProvider:partitionCount' is {partitions}: it must be between 1 and 16.");
        }

        return builder.UseAzureStorage(options =>
        {
            options.ConnectionString = connection.ConnectionString;
            options.TableServiceUri = connection.TableServiceUri;
            options.QueueServiceUri = connection.QueueServiceUri;
            options.BlobServiceUri = connection.BlobServiceUri;
            options.Credential = connection.Credential;
            options.PartitionCount = partitions ?? AzureStorageConstants.DefaultPartitionCount;
        });
    }
}
