using System.Globalization;
using Azure;
using Azure.Data.Tables;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// Instance heads: create, read, query, purge, and messages from clients.
/// </summary>
public sealed partial class AzureDurableStore
{
    private static readonly OrchestrationRuntimeStatus[] EndedStatuses =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    private static readonly string[] ColumnsWithoutPayloads =
        ["Id", "Name", "ExecutionId", "Status", "CreatedAt", "LastUpdatedAt", "ParentInstanceId", "Tags", "Failure", "FailureBlob", "HistoryCount", "Incarnation"];

    /// <inheritdoc/>
    public async Task CreateInstanceAsync(InstanceRecord instance, OrchestrationMessage startMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(startMessage);
        var incarnation = Guid.NewGuid().ToString("N");

        // The start rides on the head as its outbox: when the creator dies before sending it, the next create of the id
        // finds it there and sends it. The first episode replaces the head, outbox and all.
        var outbox = new Outbox([new EnvelopePart(HistorySerializer.Serialize(startMessage), null, incarnation)]);
        var now = _timeProvider.GetUtcNow();
        var head = new InstanceHead(
            instance with { Status = OrchestrationRuntimeStatus.Pending, Version = InstanceHead.FormatVersion(incarnation, 1) },
            incarnation,
            0,
            outbox,
            _hostId,
            now)
        {
            StartAt = startMessage.VisibleAt is { } due && due > now ? due : now,
        };
        var entity = await head.ToEntityAsync(_payloads, cancellationToken).ConfigureAwait(false);
        ETag etag;
        try
        {
            // Most ids are new: try the insert first, and read only when the id is taken.
            etag = (await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false)).Headers.ETag!.Value;
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            etag = await ReplaceEndedAsync(instance.InstanceId, incarnation, entity, cancellationToken).ConfigureAwait(false);
        }

        Remember(head.WithETag(etag));
        await SendOrchestrationMessagesAsync([(startMessage, head.Incarnation)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the head of an instance that has ended; one that has not makes the create fail. A head with this
    /// create's own incarnation is its own write, retried after its response was lost: the create has succeeded.
    /// </summary>
    private async Task<ETag> ReplaceEndedAsync(string instanceId, string incarnation, TableEntity entity, CancellationToken cancellationToken)
    {
        var existing = await ReadHeadAsync(instanceId, includePayloads: false, cancellationToken).ConfigureAwait(false);
        if (existing?.Incarnation == incarnation)
        {
            return new ETag(existing.ETag);
        }

        if (existing is not { IsEnded: true })
        {
            await SendAbandonedStartAsync(existing, cancellationToken).ConfigureAwait(false);
            throw new InstanceAlreadyExistsException(instanceId, existing?.Record.Status ?? OrchestrationRuntimeStatus.Pending);
        }

        try
        {
            return (await _table.UpdateEntityAsync(entity, new ETag(existing.ETag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)).Headers.ETag!.Value;
        }
        catch (RequestFailedException exception) when (exception.Status is 412 or 404)
        {
            // Another client created or replaced it between the read and the write, unless the write was this one's.
            var winner = await ReadHeadAsync(instanceId, includePayloads: false, cancellationToken).ConfigureAwait(false);
            if (winner?.Incarnation == incarnation)
            {
                return new ETag(winner.ETag);
            }

            throw new InstanceAlreadyExistsException(instanceId, winner?.Record.Status ?? OrchestrationRuntimeStatus.Pending);
        }
    }

    /// <summary>
    /// Sends the start of an instance that never started and whose creator had the grace to send it: the creator died
    /// between its insert and its send. The instance then runs as first created; the create that found it still fails,
    /// as it would have had the start gone out. A start scheduled for later is left alone until it is due: before then
    /// its absence from the queues has delayed nothing.
    /// </summary>
    /// <returns><see langword="false"/> when the head holds no start to recover.</returns>
    private async Task<bool> SendAbandonedStartAsync(InstanceHead? existing, CancellationToken cancellationToken)
    {
        var cutoff = _timeProvider.GetUtcNow() - OutboxGrace;
        if (existing is not { Record.Status: OrchestrationRuntimeStatus.Pending, Outbox: not null }
            || existing.OutboxAt > cutoff
            || existing.StartAt > cutoff)
        {
            return false;
        }

        LogOutboxRecovered(existing.Record.InstanceId, existing.Outbox.Parts.Count, existing.OutboxBy ?? "(unknown)");
        await SendOutboxMessagesAsync(existing, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc/>
    public async Task<OrchestrationRuntimeStatus?> SendMessageAsync(OrchestrationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var head = await ReadHeadAsync(message.InstanceId, includePayloads: false, cancellationToken).ConfigureAwait(false);
        if (head is null)
        {
            return null;
        }

        if (!head.IsEnded)
        {
            await SendOrchestrationMessagesAsync([(message, head.Incarnation)], cancellationToken).ConfigureAwait(false);
        }

        return head.Record.Status;
    }

    /// <inheritdoc/>
    public async Task<InstanceRecord?> GetInstanceAsync(string instanceId, bool includePayloads, CancellationToken cancellationToken)
        => (await ReadHeadAsync(instanceId, includePayloads, cancellationToken).ConfigureAwait(false))?.Record;

    /// <inheritdoc/>
    /// <remarks>Tables order rows by key, not by creation time: each page reads every matching head and sorts them.</remarks>
    public async Task<InstancePage> QueryInstancesAsync(InstanceFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(filter.PageSize, 1, nameof(filter));
        var after = filter.ContinuationToken is { } token ? DecodeContinuation(token) : default((DateTimeOffset, string)?);
        var heads = await QueryHeadsAsync(filter, filter.Statuses, filter.IncludePayloads, cancellationToken).ConfigureAwait(false);
        var ordered = heads
            .Select(h => h.Record)
            .Where(r => after is not { } last || r.CreatedAt > last.Item1 || (r.CreatedAt == last.Item1 && string.CompareOrdinal(r.InstanceId, last.Item2) > 0))
            .OrderBy(r => r.CreatedAt)
            .ThenBy(r => r.InstanceId, StringComparer.Ordinal)
            .Take(filter.PageSize + 1)
            .ToList();
        var more = ordered.Count > filter.PageSize;
        if (more)
        {
            ordered.RemoveAt(ordered.Count - 1);
        }

        return new InstancePage(ordered, more ? EncodeContinuation(ordered[^1]) : null);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<HistoryEvent>> ReadHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        var head = await ReadHeadAsync(instanceId, includePayloads: false, cancellationToken).ConfigureAwait(false);
        if (head is null || head.HistoryCount == 0)
        {
            return [];
        }

        var key = KeyEncoder.Encode(instanceId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {key} and RowKey ge {HistoryRowKey(0)} and RowKey lt {HistoryRowKey(head.HistoryCount)}");
        var events = new List<HistoryEvent>(head.HistoryCount);
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            events.Add(await ReadEventAsync(row, cancellationToken).ConfigureAwait(false));
        }

        return events;
    }

    /// <inheritdoc/>
    public async Task<int> PurgeInstancesAsync(InstanceFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var statuses = filter.Statuses is null ? EndedStatuses : EndedStatuses.Intersect(filter.Statuses).ToArray();
        if (statuses.Length == 0)
        {
            return 0;
        }

        var purged = 0;
        foreach (var head in await QueryHeadsAsync(filter, statuses, includePayloads: false, cancellationToken).ConfigureAwait(false))
        {
            purged += await PurgeAsync(head, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return purged;
    }

    /// <summary>
    /// Deletes the head first, checked against its ETag, so a re-created instance is never purged; then the other rows,
    /// each checked against the ETag read before, so rows a new incarnation rewrote in between stay.
    /// </summary>
    private async Task<bool> PurgeAsync(InstanceHead head, CancellationToken cancellationToken)
    {
        var instanceId = head.Record.InstanceId;
        var key = KeyEncoder.Encode(instanceId);
        var rows = new List<TableEntity>();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {key} and RowKey ne {InstanceHead.RowKey}"), select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        try
        {
            await _table.DeleteEntityAsync(key, InstanceHead.RowKey, new ETag(head.ETag), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status is 404 or 412)
        {
            return false;
        }

        _heads.TryRemove(instanceId, out _);
        foreach (var row in rows)
        {
            try
            {
                await _table.DeleteEntityAsync(key, row.RowKey, row.ETag, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException exception) when (exception.Status is 404 or 412)
            {
            }
        }

        await _payloads.DeleteInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<List<InstanceHead>> QueryHeadsAsync(
        InstanceFilter filter, IReadOnlyCollection<OrchestrationRuntimeStatus>? statuses, bool includePayloads, CancellationToken cancellationToken)
    {
        var heads = new List<InstanceHead>();
        if (statuses is { Count: 0 })
        {
            return heads;
        }

        var conditions = new List<string> { TableClient.CreateQueryFilter($"RowKey eq {InstanceHead.RowKey}") };
        if (filter.InstanceId is { } instanceId)
        {
            conditions.Add(TableClient.CreateQueryFilter($"PartitionKey eq {KeyEncoder.Encode(instanceId)}"));
        }

        if (filter.InstanceIdPrefix is { Length: > 0 } prefix)
        {
            var encoded = KeyEncoder.Encode(prefix);
            conditions.Add(TableClient.CreateQueryFilter($"PartitionKey ge {encoded} and PartitionKey lt {KeyEncoder.UpperBound(encoded)}"));
        }

        if (filter.CreatedFrom is { } from)
        {
            conditions.Add(TableClient.CreateQueryFilter($"CreatedAt ge {from}"));
        }

        if (filter.CreatedTo is { } to)
        {
            conditions.Add(TableClient.CreateQueryFilter($"CreatedAt lt {to}"));
        }

        if (statuses is not null)
        {
            conditions.Add("(" + string.Join(" or ", statuses.Select(s => TableClient.CreateQueryFilter($"Status eq {(int)s}"))) + ")");
        }

        var query = _table.QueryAsync<TableEntity>(string.Join(" and ", conditions), maxPerPage: 1000, select: includePayloads ? null : ColumnsWithoutPayloads, cancellationToken: cancellationToken);
        await foreach (var entity in query.ConfigureAwait(false))
        {
            var head = await InstanceHead.FromEntityAsync(entity, includePayloads, _payloads, cancellationToken).ConfigureAwait(false);
            if (filter.InstanceIdPrefix is not { Length: > 0 } p || head.Record.InstanceId.StartsWith(p, StringComparison.Ordinal))
            {
                heads.Add(head);
            }
        }

        return heads;
    }

    private async Task<HistoryEvent> ReadEventAsync(TableEntity row, CancellationToken cancellationToken)
    {
        var json = row.GetString("E") ?? await _payloads.DownloadAsync(row.GetString("EBlob"), cancellationToken).ConfigureAwait(false);
        return HistorySerializer.DeserializeEvent(json);
    }

    private static string HistoryRowKey(int sequence) => "h" + sequence.ToString("D8", CultureInfo.InvariantCulture);

    private static string EncodeContinuation(InstanceRecord last)
        => last.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + "|" + last.InstanceId;

    private static (DateTimeOffset, string) DecodeContinuation(string token)
    {
        var separator = token.IndexOf('|', StringComparison.Ordinal);
        if (separator <= 0 || !long.TryParse(token.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            throw new ArgumentException("The continuation token is not one this store issued.", nameof(token));
        }

        return (new DateTimeOffset(ticks, TimeSpan.Zero), token[(separator + 1)..]);
    }
}
