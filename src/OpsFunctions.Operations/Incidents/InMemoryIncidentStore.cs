using System.Collections.Concurrent;

namespace OpsFunctions.Operations.Incidents;

/// <summary>
/// An <see cref="IIncidentStore"/> in memory: for tests and for a host that runs without an incident store.
/// Everything is lost on restart.
/// </summary>
public sealed class InMemoryIncidentStore : IIncidentStore
{
    private readonly ConcurrentDictionary<string, IncidentRecord> _records = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, List<TimelineEntry>> _timelines = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _reports = new(StringComparer.Ordinal);

    /// <summary>Gets every record, for assertions.</summary>
    public IReadOnlyCollection<IncidentRecord> Records => [.. _records.Values];

    public Task UpsertAsync(IncidentRecord record, CancellationToken cancellationToken)
    {
        _records[record.Id] = record;
        return Task.CompletedTask;
    }

    public Task AppendTimelineAsync(string incidentId, IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken)
    {
        var timeline = _timelines.GetOrAdd(incidentId, _ => []);
        lock (timeline)
        {
            timeline.AddRange(entries);
        }

        return Task.CompletedTask;
    }

    public Task SaveReportAsync(string incidentId, string markdown, CancellationToken cancellationToken)
    {
        _reports[incidentId] = markdown;
        return Task.CompletedTask;
    }

    public Task<IncidentRecord?> GetAsync(string incidentId, CancellationToken cancellationToken)
        => Task.FromResult(_records.TryGetValue(incidentId, out var record) ? record : null);

    public Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string incidentId, CancellationToken cancellationToken)
    {
        if (!_timelines.TryGetValue(incidentId, out var timeline))
        {
            return Task.FromResult<IReadOnlyList<TimelineEntry>>([]);
        }

        lock (timeline)
        {
            return Task.FromResult<IReadOnlyList<TimelineEntry>>([.. timeline]);
        }
    }

    public Task<string?> GetReportAsync(string incidentId, CancellationToken cancellationToken)
        => Task.FromResult(_reports.TryGetValue(incidentId, out var report) ? report : null);
}
