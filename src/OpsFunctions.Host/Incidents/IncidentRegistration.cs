using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsFunctions.Host.Incidents.Storage;
using OpsFunctions.Operations;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Host.Incidents;

/// <summary>
/// Incident response in the host: the workflows' services, the incident store and the action links. The orchestrators and activities are registered
/// with the engine in <c>EngineRegistration</c>.
/// </summary>
public static class IncidentRegistration
{
    public static IServiceCollection AddIncidents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIncidentResponse(configuration);
        services.TryAddSingleton<IActionLinks, ActionLinks>();
        AddIncidentStore(services, configuration);
        return services;
    }

    /// <summary>
    /// Incidents are stored with the engine's store: SQLite next to it on the embedded store, Tables on Azure Storage.
    /// A store registered before <see cref="AddIncidents"/> (as tests do) is kept.
    /// </summary>
    private static void AddIncidentStore(IServiceCollection services, IConfiguration configuration)
    {
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(IIncidentStore)))
        {
            services.AddIncidentStore(configuration);
        }
    }
}
