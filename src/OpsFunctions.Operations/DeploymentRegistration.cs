using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpsFunctions.Operations.Deployments;
using OpsFunctions.Operations.Deployments.Storage;
using OpsFunctions.Operations.Http;

namespace OpsFunctions.Operations;

/// <summary>Registers deployments: canary rollouts, their analysis, traffic, records and freezes.</summary>
/// <remarks>An automatic abort opens an incident: a host that registers deployments registers incident response too.</remarks>
public static class DeploymentRegistration
{
    /// <summary>Registers <see cref="CanaryRolloutOrchestrator"/>, the analysis, and their activities.</summary>
    public static DurableTaskRegistry AddDeployments(this DurableTaskRegistry tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return tasks
            .AddDeploymentAnalysis()
            .AddOrchestrator<CanaryRolloutOrchestrator>()
            .AddActivity<ApplyTraffic>()
            .AddActivity<RecordDeployment>()
            .AddActivity<NotifyDeployment>()
            .AddActivity<OpenRolloutIncident>();
    }

    /// <summary>
    /// Binds <c>Deployments</c> (<see cref="DeploymentOptions"/>) with validation at start-up, and adds the analysis, the
    /// traffic providers, the deployment store where the host keeps records, and the planner and starter the routes use.
    /// </summary>
    public static IServiceCollection AddDeployments(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DeploymentOptions>().Bind(configuration.GetSection(DeploymentOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeploymentOptions>, DeploymentOptionsValidator>());
        services.AddDeploymentAnalysis(configuration);
        services.AddOpsIntegrations(configuration);
        services.AddDeploymentStore();
        services.AddOpsIngress(configuration);
        services.TryAddSingleton<RolloutSteps>();
        services.TryAddSingleton<RolloutPlanner>();
        services.TryAddSingleton<RolloutStarter>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
