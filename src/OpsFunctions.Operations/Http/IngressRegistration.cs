using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsFunctions.Operations.Durability;

namespace OpsFunctions.Operations.Http;

/// <summary>What every feature's ingress shares: the limits of section <c>Webhooks</c> and the once-only gate.</summary>
public static class IngressRegistration
{
    /// <summary>Registers <see cref="OnceMarker"/>, the orchestrator behind <see cref="OnceGate"/>'s claims.</summary>
    public static DurableTaskRegistry AddOpsIngress(this DurableTaskRegistry tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return tasks.AddOrchestrator<OnceMarker>();
    }

    public static IServiceCollection AddOpsIngress(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.Any(d => d.ServiceType == typeof(OnceGate)))
        {
            services.AddOptions<WebhookLimits>().Bind(configuration.GetSection(WebhookLimits.Section)).ValidateDataAnnotations().ValidateOnStart();
            services.AddSingleton<OnceGate>();
            services.TryAddSingleton(TimeProvider.System);
        }

        return services;
    }
}
