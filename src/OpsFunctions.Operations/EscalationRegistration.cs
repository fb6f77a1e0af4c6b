using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpsFunctions.Operations.Escalation;

namespace OpsFunctions.Operations;

/// <summary>Registers escalation ladders: the orchestrator, its activities and its policies.</summary>
/// <remarks>A feature that runs ladders registers its page activity itself (<see cref="EscalationInput.PageActivity"/>).</remarks>
public static class EscalationRegistration
{
    /// <summary>Registers <see cref="EscalationOrchestrator"/>, <see cref="SelectEscalationPolicy"/> and <see cref="SignalInstance"/>.</summary>
    public static DurableTaskRegistry AddEscalation(this DurableTaskRegistry tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return tasks
            .AddOrchestrator<EscalationOrchestrator>()
            .AddActivity<SelectEscalationPolicy>()
            .AddActivity<SignalInstance>();
    }

    /// <summary>Binds <c>Escalation</c> (<see cref="EscalationOptions"/>) with validation at start-up, and adds the policy selector.</summary>
    public static IServiceCollection AddEscalation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<EscalationOptions>().Bind(configuration.GetSection(EscalationConstants.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EscalationOptions>, EscalationOptionsValidator>());
        services.TryAddSingleton<EscalationPolicySelector>();
        return services;
    }
}
