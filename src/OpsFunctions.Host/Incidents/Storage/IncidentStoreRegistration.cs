using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsFunctions.Durable;
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
            var hubName = configuration[$"{EngineRegistration.DurableTaskSection}:hubName"] ?? DurableTaskConstants.DefaultHubName;
            var store = new TableIncidentStore(AzureStorageAccount.Tables(configuration), hubName);
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
}
