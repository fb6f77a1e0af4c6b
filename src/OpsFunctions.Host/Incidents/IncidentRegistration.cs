using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsFunctions.Operations;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Host.Incidents;

/// <summary>
/// Incident response in the host: the feature's services, and action links signed with the host's approval tokens.
/// The orchestrators and activities are registered with the engine in <c>EngineRegistration</c>.
/// </summary>
public static class IncidentRegistration
{
    public static IServiceCollection AddIncidents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIncidentResponse(configuration);
        services.TryAddSingleton<IActionLinks, ActionLinks>();
        return services;
    }
}
