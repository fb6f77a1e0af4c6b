using System.Collections.Concurrent;
using OpsFunctions.Operations;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Testing.Incidents;

/// <summary>
/// An <see cref="IIncidentStore"/> in memory, for tests: it keeps the store contract, and everything is lost on restart.
/// </summary>
public sealed class InMemoryIncidentStore : IIncidentStore
{
    private readonly ConcurrentDictionary<string, IncidentRecord> _records = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Timeline> _timelines = new(StringComparer.Ordinal);
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
        var timeline = _timelines.GetOrAdd(incidentId, _ => new Timeline());
        lock (timeline)
        {
            foreach (var entry in entries)
            {
                if (timeline.Keys.Add((entry.At.UtcTicks, entry.Actor, entry.Kind, entry.Text)))
                {
                    timeline.Entries.Add(entry);
                }
            }
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
            // OrderBy is stable: entries of the same time keep the order they were appended in.
            return Task.FromResult<IReadOnlyList<TimelineEntry>>([.. timeline.Entries.OrderBy(e => e.At.UtcTicks)]);
        }
    }

    public Task<string?> GetReportAsync(string incidentId, CancellationToken cancellationToken)
        => Task.FromResult(_reports.TryGetValue(incidentId, out var report) ? report : null);

    public Task<IncidentPage> QueryAsync(IncidentQuery query, CancellationToken cancellationToken)
    {
        var after = IncidentPaging.Validate(query);
        var matches = _records.Values
            .Where(r => (query.OpenedFrom is not { } from || r.OpenedAt >= from)
                && (query.OpenedTo is not { } to || r.OpenedAt < to)
                && (query.Service is not { } service || string.Equals(r.Service, service, StringComparison.Ordinal))
                && (query.Severity is not { } severity || r.Severity == severity)
                && (query.State is not { } state || r.State == state)
                && (after is not { } position || IncidentPaging.IsAfter(r, position)))
            .OrderByDescending(r => r.OpenedAt.UtcTicks)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .Take(query.PageSize + 1)
            .ToList();
        var next = matches.Count > query.PageSize ? IncidentPaging.CreateToken(matches[query.PageSize - 1]) : null;
        return Task.FromResult(new IncidentPage(matches.Take(query.PageSize).ToList(), next));
    }

    /// <summary>One incident's timeline: the entries in the order appended, and their keys, so a repeated entry is dropped.</summary>
    private sealed class Timeline
    {
        public List<TimelineEntry> Entries { get; } = [];

        public HashSet<(long Ticks, string Actor, string Kind, string Text)> Keys { get; } = [];
    }
}
