using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsFunctions.Durable;
using OpsFunctions.Durable.AzureStorage;
using OpsFunctions.Host.Hosting;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Host.Incidents.Storage;

/// <summary>
/// Puts the incident store beside the engine's store, by the same rule (<see cref="StorageRegistration"/>): Azure Tables
/// in the same account when <c>AzureWebJobsStorage</c> (or its identity-based form) is set, else a SQLite file next to
/// the engine's database.
/// </summary>
public static class IncidentStoreRegistration
{
    /// <summary>
    /// Registers <see cref="IIncidentStore"/> (replacing an earlier registration). A malformed connection setting or a
    /// hub name that gives no valid table name fails here, with a message naming it.
    /// </summary>
    public static IServiceCollection AddIncidentStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (StorageRegistration.UsesAzureStorage(configuration))
        {
            var connection = new AzureStorageOptions();
            AzureStorageConnection.Apply(connection, configuration, StorageRegistration.AzureStorageKey);
            var hubName = configuration[$"{EngineRegistration.DurableTaskSection}:hubName"] ?? DurableTaskConstants.DefaultHubName;
            var store = new TableIncidentStore(CreateTableService(connection), hubName);
            services.Replace(ServiceDescriptor.Singleton<IIncidentStore>(store));
        }
        else
        {
            services.Replace(ServiceDescriptor.Singleton<IIncidentStore>(provider =>
            {
                // AddOpsEngine registers the paths; without it, they come from configuration as the engine's would.
                var paths = provider.GetService<HostPaths>()
                    ?? HostPaths.From(configuration, provider.GetService<IHostEnvironment>()?.ContentRootPath ?? Directory.GetCurrentDirectory());
                return new SqliteIncidentStore(paths.IncidentsFile);
            }));
        }

        return services;
    }

    /// <summary>The table service of the engine's account, with the engine's retries (exponential, 6 tries, 0.1 s to 5 s).</summary>
    private static TableServiceClient CreateTableService(AzureStorageOptions connection)
    {
        var options = new TableClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 6;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(5);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        if (!string.IsNullOrWhiteSpace(connection.ConnectionString))
        {
            try
            {
                return new TableServiceClient(connection.ConnectionString, options);
            }
            catch (Exception exception) when (exception is FormatException or ArgumentException or InvalidOperationException)
            {
                // The SDK's message may quote the connection string, key included; say only what is wrong.
                throw new InvalidOperationException(
                    $"Setting '{StorageRegistration.AzureStorageKey}' is not a storage connection string with a table endpoint: expected "
                    + "'UseDevelopmentStorage=true' or 'DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...'.");
            }
        }

        return new TableServiceClient(connection.TableServiceUri!, connection.Credential!, options);
    }
}
