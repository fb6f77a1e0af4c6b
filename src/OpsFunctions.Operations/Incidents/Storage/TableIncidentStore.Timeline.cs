using OpsFunctions.Operations.Storage;

namespace OpsFunctions.Operations.Incidents.Storage;

public sealed partial class TableIncidentStore
{
    /// <summary>Appends as every feature's table store does (<see cref="TableTimeline.AppendAsync"/>), in the incident's partition.</summary>
    public async Task AppendTimelineAsync(string incidentId, IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(incidentId);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var table = await _table.GetAsync(cancellationToken);
        await TableTimeline.AppendAsync(table, TableKeys.IncidentPartition(incidentId), entries, $"incident '{incidentId}'", cancellationToken);
    }

    public async Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string incidentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidentId);
        var table = await _table.GetAsync(cancellationToken);
        return await TableTimeline.ReadAsync(table, TableKeys.IncidentPartition(incidentId), cancellationToken);
    }
}
