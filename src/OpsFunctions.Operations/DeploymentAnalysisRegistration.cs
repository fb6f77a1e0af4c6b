using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpsFunctions.Operations.Deployments.Analysis;

namespace OpsFunctions.Operations;

/// <summary>Registers the analysis of canary rollouts: its orchestrator, its activity, its templates.</summary>
public static class DeploymentAnalysisRegistration
{
    /// <summary>Registers <see cref="AnalysisOrchestrator"/> and <see cref="MeasureAnalysis"/>.</summary>
    public static DurableTaskRegistry AddDeploymentAnalysis(this DurableTaskRegistry tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return tasks
            .AddOrchestrator<AnalysisOrchestrator>()
            .AddActivity<MeasureAnalysis>();
    }

    /// <summary>
    /// Binds <c>Deployments</c> (<see cref="DeploymentAnalysisOptions"/>: <c>Metrics</c> and <c>AnalysisTemplates</c>) with
    /// validation at start-up, adds <see cref="AnalysisTemplateCatalog"/>, and the integrations (the Prometheus client the
    /// activity calls, <c>Diagnostics:Prometheus:BaseUrl</c>).
    /// </summary>
    public static IServiceCollection AddDeploymentAnalysis(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DeploymentAnalysisOptions>().Bind(configuration.GetSection(AnalysisConstants.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeploymentAnalysisOptions>, DeploymentAnalysisOptionsValidator>());
        services.TryAddSingleton<AnalysisTemplateCatalog>();
        services.AddOpsIntegrations(configuration);
        return services;
    }
}
