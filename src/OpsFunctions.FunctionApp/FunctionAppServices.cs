using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.FunctionApp.Approvals;
using OpsFunctions.FunctionApp.Hosting;
using OpsFunctions.Operations;
using OpsFunctions.Operations.Http;
using OpsFunctions.Operations.Samples;
using OpsFunctions.Operations.Schedules;
using OpsFunctions.Operations.Triggers;

namespace OpsFunctions.FunctionApp;

/// <summary>
/// What the app runs, in one place: the features' services, and the orchestrators and activities its functions wrap.
/// A feature is added here with a line each, and its functions in a folder of its own.
/// </summary>
public static class FunctionAppServices
{
    public static IServiceCollection AddFunctionAppServices(this IServiceCollection services, IConfiguration configuration)
        => services
            .AddSingleton(_ => FunctionAppStorage.Records(configuration))
            .AddSingleton(new DurableTaskRegistry().AddFunctionAppTasks())
            .AddWebhooks(configuration)
            .AddFunctionAppApprovals(configuration)
            .AddScheduleOptions(configuration)
            .AddIncidentResponse(configuration)
            .AddDeployments(configuration);

    /// <summary>
    /// The orchestrators and activities the features register. Functions finds them through their [Function] wrappers;
    /// this registry is what the triggers' start-up check reads, and a test holds the generated functions.metadata to
    /// exactly these names.
    /// </summary>
    public static DurableTaskRegistry AddFunctionAppTasks(this DurableTaskRegistry tasks)
        => tasks.AddOpsIngress().AddSamples().AddIncidentResponse().AddDeployments();
}
