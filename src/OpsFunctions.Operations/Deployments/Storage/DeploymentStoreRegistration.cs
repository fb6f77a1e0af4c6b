using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsFunctions.Operations.Storage;

namespace OpsFunctions.Operations.Deployments.Storage;

/// <summary>The deployment store where the host keeps records (<see cref="RecordStorage"/>): Azure Tables or a SQLite file.</summary>
internal static class DeploymentStoreRegistration
{
    /// <summary>The table suffix and file infix of deployments: <c>&lt;hub&gt;Deployments</c>, <c>&lt;hub&gt;.deployments.db</c>.</summary>
    public const string Feature = "Deployments";

    /// <summary>Adds <see cref="IDeploymentStore"/> unless one is registered already (as tests do).</summary>
    public static IServiceCollection AddDeploymentStore(this IServiceCollection services)
    {
        services.TryAddSingleton<IDeploymentStore>(provider =>
        {
            var storage = provider.GetService<RecordStorage>() ?? throw new InvalidOperationException(
                $"Deployments need a {nameof(RecordStorage)}: the host registers where the features keep their records.");
            return storage.Tables is { } tables
                ? new TableDeploymentStore(tables, storage.HubName)
                : new SqliteDeploymentStore(storage.SqliteFile(Feature.ToLowerInvariant()));
        });
        return services;
    }
}
