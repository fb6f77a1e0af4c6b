using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsFunctions.Operations;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Host.Incidents;

/// <summary>
/// Incident response in the host: the notification channels, the workflows' options, and the ports the
/// workflows call (notifier, store, diagnostics, action links). The orchestrators and activities are registered
/// with the engine in <c>EngineRegistration</c>.
/// </summary>
public static class IncidentRegistration
{
    public static IServiceCollection AddIncidents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOpsIntegrations(configuration);
        services.AddIncidentResponse(configuration);
        services.AddIncidentDiagnostics(configuration);
        services.TryAddSingleton<IIncidentNotifier, IncidentNotifier>();
        services.TryAddSingleton<IDiagnosticsRunner, DiagnosticsRunner>();
        services.TryAddSingleton<IActionLinks, ActionLinks>();
        AddIncidentStore(services, configuration);
        return services;
    }

    /// <summary>
    /// The incident store seam. REPLACE AT MERGE: this becomes
    /// <c>IncidentStoreRegistration.AddIncidentStore(services, configuration)</c> (SQLite on the embedded store,
    /// Tables on Azure Storage). Until then incidents are kept in memory and lost on restart; a store registered
    /// before <see cref="AddIncidents"/> (as tests do) wins.
    /// </summary>
    private static void AddIncidentStore(IServiceCollection services, IConfiguration configuration)
    {
        _ = configuration;
        services.TryAddSingleton<IIncidentStore, InMemoryIncidentStore>(); // REPLACE AT MERGE with the persistent store.
    }
}
