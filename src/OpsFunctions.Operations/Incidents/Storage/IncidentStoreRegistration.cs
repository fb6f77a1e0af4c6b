using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsFunctions.Operations.Storage;

namespace OpsFunctions.Operations.Incidents.Storage;

/// <summary>The incident store where the host keeps records (<see cref="RecordStorage"/>): Azure Tables or a SQLite file.</summary>
internal static class IncidentStoreRegistration
{
    /// <summary>The table suffix and file infix of incidents: <c>&lt;hub&gt;Incidents</c>, <c>&lt;hub&gt;.incidents.db</c>.</summary>
    public const string Feature = "Incidents";

    /// <summary>Adds <see cref="IIncidentStore"/> unless one is registered already (as tests do).</summary>
    public static IServiceCollection AddIncidentStore(this IServiceCollection services)
    {
        services.TryAddSingleton<IIncidentStore>(provider =>
        {
            var storage = provider.GetService<RecordStorage>() ?? throw new InvalidOperationException(
                $"Incidents need a {nameof(RecordStorage)}: the host registers where the features keep their records.");
            return storage.Tables is { } tables
                ? new TableIncidentStore(tables, storage.HubName)
                : new SqliteIncidentStore(storage.SqliteFile(Feature.ToLowerInvariant()));
        });
        return services;
    }
}
