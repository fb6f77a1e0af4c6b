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

    /// <remarks>The continuation token is the number of matches already returned.</remarks>
    public Task<IncidentPage> QueryAsync(IncidentQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var skip = query.ContinuationToken is { } token ? int.Parse(token, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var matches = _records.Values
            .Where(r => (query.OpenedFrom is not { } from || r.OpenedAt >= from)
                && (query.OpenedTo is not { } to || r.OpenedAt < to)
                && (query.Service is not { } service || string.Equals(r.Service, service, StringComparison.Ordinal))
                && (query.Severity is not { } severity || r.Severity == severity)
                && (query.State is not { } state || r.State == state))
            .OrderByDescending(r => r.OpenedAt)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .Skip(skip)
            .Take(query.PageSize + 1)
            .ToList();
        var next = matches.Count > query.PageSize ? (skip + query.PageSize).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new IncidentPage(matches.Take(query.PageSize).ToList(), next));
    }
}
