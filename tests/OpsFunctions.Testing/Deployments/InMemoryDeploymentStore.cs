using System.Collections.Concurrent;
using OpsFunctions.Operations;
using OpsFunctions.Operations.Deployments;
using OpsFunctions.Operations.Deployments.Storage;

namespace OpsFunctions.Testing.Deployments;

/// <summary>
/// An <see cref="IDeploymentStore"/> in memory, for tests: it keeps the store contract, and everything is lost on restart.
/// </summary>
public sealed class InMemoryDeploymentStore : IDeploymentStore
{
    private readonly ConcurrentDictionary<string, DeploymentRecord> _records = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Timeline> _timelines = new(StringComparer.Ordinal);

    // Keyed by DeploymentPaging.NameKey, as the real stores compare names.
    private readonly ConcurrentDictionary<string, DeploymentFreeze> _freezes = new(StringComparer.Ordinal);

    /// <summary>Gets every record, for assertions.</summary>
    public IReadOnlyCollection<DeploymentRecord> Records => [.. _records.Values];

    public Task UpsertAsync(DeploymentRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.Id, nameof(record));
        _records[record.Id] = record;
        return Task.CompletedTask;
    }

    public Task<DeploymentRecord?> GetAsync(string deploymentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deploymentId);
        return Task.FromResult(_records.TryGetValue(deploymentId, out var record) ? record : null);
    }

    public Task AppendTimelineAsync(string deploymentId, IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(deploymentId);
        ArgumentNullException.ThrowIfNull(entries);
        var timeline = _timelines.GetOrAdd(deploymentId, _ => new Timeline());
        lock (timeline)
        {
            foreach (var entry in entries)
            {
                ArgumentNullException.ThrowIfNull(entry);
                if (timeline.Keys.Add((entry.At.UtcTicks, entry.Actor, entry.Kind, entry.Text)))
                {
                    timeline.Entries.Add(entry);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string deploymentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deploymentId);
        if (!_timelines.TryGetValue(deploymentId, out var timeline))
        {
            return Task.FromResult<IReadOnlyList<TimelineEntry>>([]);
        }

        lock (timeline)
        {
            // OrderBy is stable: entries of the same time keep the order they were appended in.
            return Task.FromResult<IReadOnlyList<TimelineEntry>>([.. timeline.Entries.OrderBy(e => e.At.UtcTicks)]);
        }
    }

    public Task<DeploymentPage> QueryAsync(DeploymentQuery query, CancellationToken cancellationToken)
    {
        var after = DeploymentPaging.Validate(query);
        var service = query.Service is { } name ? DeploymentPaging.NameKey(name) : null;
        var matches = _records.Values
            .Where(r => (query.StartedFrom is not { } from || r.StartedAt >= from)
                && (query.StartedTo is not { } to || r.StartedAt < to)
                && (service is null || string.Equals(DeploymentPaging.NameKey(r.Service), service, StringComparison.Ordinal))
                && (query.State is not { } state || r.State == state)
                && (after is not { } position || DeploymentPaging.IsAfter(r, position)))
            .OrderByDescending(r => r.StartedAt.UtcTicks)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .Take(query.PageSize + 1)
            .ToList();
        var next = matches.Count > query.PageSize ? DeploymentPaging.CreateToken(matches[query.PageSize - 1]) : null;
        return Task.FromResult(new DeploymentPage(matches.Take(query.PageSize).ToList(), next));
    }

    public Task SaveFreezeAsync(DeploymentFreeze freeze, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(freeze);
        ArgumentException.ThrowIfNullOrEmpty(freeze.Name, nameof(freeze));
        _freezes[DeploymentPaging.NameKey(freeze.Name)] = freeze;
        return Task.CompletedTask;
    }

    public Task<bool> DeleteFreezeAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Task.FromResult(_freezes.TryRemove(DeploymentPaging.NameKey(name), out _));
    }

    public Task<IReadOnlyList<DeploymentFreeze>> GetFreezesAsync(CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<DeploymentFreeze>>([.. _freezes.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Value)]);

    /// <summary>One deployment's timeline: the entries in the order appended, and their keys, so a repeated entry is dropped.</summary>
    private sealed class Timeline
    {
        public List<TimelineEntry> Entries { get; } = [];

        public HashSet<(long Ticks, string Actor, string Kind, string Text)> Keys { get; } = [];
    }
}
