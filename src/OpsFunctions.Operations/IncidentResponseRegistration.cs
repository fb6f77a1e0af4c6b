using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpsFunctions.Operations.Escalation;
using OpsFunctions.Operations.Http;
using OpsFunctions.Operations.Incidents;
using OpsFunctions.Operations.Incidents.Storage;
using OpsFunctions.Operations.Storage;

namespace OpsFunctions.Operations;

/// <summary>Registers incident response: its orchestrators and activities, and its options.</summary>
public static class IncidentResponseRegistration
{
    /// <summary>
    /// Registers <see cref="IncidentOrchestrator"/> and its activities, and the escalation ladder it runs.
    /// </summary>
    public static DurableTaskRegistry AddIncidentResponse(this DurableTaskRegistry tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return tasks
            .AddEscalation()
            .AddOrchestrator<IncidentOrchestrator>()
            .AddActivity<RecordIncident>()
            .AddActivity<NotifyIncident>()
            .AddActivity<RunIncidentDiagnostics>()
            .AddActivity<WriteIncidentReport>();
    }

    /// <summary>
    /// Adds the escalation ladder's services, binds <c>Incidents</c> (<see cref="IncidentRoutingOptions"/>)
    /// and <c>Incidents:Diagnostics</c> with validation at start-up, and adds the notification channels and diagnostics
    /// clients the activities call, and the incident store where the host keeps records (a <see cref="RecordStorage"/> it
    /// registers). The host may add <see cref="IActionLinks"/>, for acknowledge and resolve links in notifications.
    /// </summary>
    public static IServiceCollection AddIncidentResponse(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddEscalation(configuration);
        services.AddOptions<IncidentRoutingOptions>().Bind(configuration.GetSection(IncidentRoutingConstants.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IncidentRoutingOptions>, IncidentRoutingOptionsValidator>());
        services.AddOpsIntegrations(configuration);
        services.AddIncidentDiagnostics(configuration);
        services.AddIncidentStore();
        services.AddOpsIngress(configuration);
        services.AddOptions<AlertmanagerOptions>().Bind(configuration.GetSection(AlertmanagerOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
