using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.FunctionApp.Hosting;
using OpsFunctions.Operations;

namespace OpsFunctions.FunctionApp;

/// <summary>
/// The services the function app's activities are built from: the one place to change when the workflows need more.
/// </summary>
public static class FunctionAppServices
{
    public static IServiceCollection AddFunctionAppServices(this IServiceCollection services, IConfiguration configuration)
        => services
            .AddSingleton(_ => FunctionAppStorage.Records(configuration))
            .AddIncidentResponse(configuration);
}
