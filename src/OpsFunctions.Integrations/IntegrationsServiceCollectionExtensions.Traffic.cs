using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsFunctions.Integrations.Http;
using OpsFunctions.Integrations.Traffic;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class IntegrationsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ITrafficRouter"/> (nginx and HTTP providers), its options from <c>Traffic:Nginx</c>,
    /// <c>Traffic:Http</c> and <c>Traffic:Resilience</c> (validated at start-up), and the resilient client the HTTP
    /// provider posts through. <see cref="AddOpsIntegrations"/> calls it; calling it again changes nothing, and an
    /// <see cref="ITrafficRouter"/> registered before (a test's fake) is kept.
    /// </summary>
    public static IServiceCollection AddOpsTraffic(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(NginxTrafficProvider)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        AddOptions<NginxTrafficOptions, NginxTrafficOptionsValidator>(services, configuration, NginxTrafficOptions.Section);
        AddOptions<HttpTrafficOptions, HttpTrafficOptionsValidator>(services, configuration, HttpTrafficOptions.Section);
        services.AddOptions<OutboundResilienceOptions>(OutboundResilienceOptions.Traffic)
            .Bind(configuration.GetSection($"{OutboundResilienceOptions.Traffic}:Resilience"))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboundResilienceOptions>, OutboundResilienceOptionsValidator>());
        services.TryAddTransient<AttemptCountingHandler>();
        AddResilientClient(services, IntegrationsHttpClients.Traffic, OutboundResilienceOptions.Traffic);

        services.TryAddSingleton<NginxTrafficProvider>();
        services.TryAddSingleton<HttpTrafficProvider>();
        services.TryAddSingleton<ITrafficRouter, TrafficRouter>();
        return services;
    }
}
