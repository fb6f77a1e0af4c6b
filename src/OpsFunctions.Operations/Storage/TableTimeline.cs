using Azure.Data.Tables;

namespace OpsFunctions.Operations.Storage;

/// <summary>
/// A timeline in a record's own table partition, as every feature's table store keeps it: rows
/// <c>t&lt;ticks&gt;-&lt;entry key&gt;</c> (see <see cref="TimelineFormat.EntryKey"/>), each holding the entry
/// (see <see cref="TablePayload"/>) and its sequence number, and row <c>timeline</c> counting the entries, which numbers
/// them in append order.
/// </summary>
internal static class TableTimeline
{
    private const string EntryProperty = "Entry";
    private const string SequenceProperty = "Sequence";
    private const string NextProperty = "Next";
    private const string RowKeyProperty = "RowKey";

    /// <summary>Entries per transaction: a transaction holds 100 operations, one of them the count row.</summary>
    private const int EntriesPerTransaction = 99;

    /// <summary>How often an append starts over after meeting a concurrent one before it gives up.</summary>
    private const int MaxConflicts = 10;

    /// <summary>
    /// Appends in rounds: read the count row and the rows the batch could repeat, then add the new entries, numbered
    /// from the count, and the new count in one transaction checked against the count row's ETag. A concurrent append
    /// (or a retry of this one that got through) makes the transaction fail whole; the round runs again and skips
    /// what is there by then.
    /// </summary>
    /// <param name="table">The table, created already.</param>
    /// <param name="partition">The partition of the record the timeline belongs to.</param>
    /// <param name="entries">The entries; those already there are skipped.</param>
    /// <param name="owner">The record, for messages: <c>incident 'inc-1'</c>.</param>
    /// <param name="cancellationToken">Cancels the append between rounds.</param>
    public static async Task AppendAsync(TableClient table, string partition, IReadOnlyList<TimelineEntry> entries, string owner, CancellationToken cancellationToken)
    {
        var pending = TimelineFormat.Distinct(entries);
        if (pending.Count == 0)
        {
            return;
        }

        var first = RecordTableKeys.TimelineRow(pending.Min(p => p.Ticks), string.Empty);
        var end = RecordTableKeys.TimelineRow(pending.Max(p => p.Ticks) + 1, string.Empty);
        var conflicts = 0;
        while (true)
        {
            var head = await table.GetEntityIfExistsAsync<TableEntity>(partition, RecordTableKeys.TimelineHeadRow, cancellationToken: cancellationToken);
            var existing = new HashSet<string>(StringComparer.Ordinal);
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {first} and RowKey lt {end}");
            // Only the keys: with $select the service returns just the named properties, keys included only when named.
            await foreach (var row in table.QueryAsync<TableEntity>(filter, select: [RowKeyProperty], cancellationToken: cancellationToken))
            {
                existing.Add(row.RowKey);
            }

            pending.RemoveAll(p => existing.Contains(RecordTableKeys.TimelineRow(p.Ticks, p.Key)));
            if (pending.Count == 0)
            {
                return;
            }

            var next = head.HasValue ? head.Value!.GetInt64(NextProperty) ?? 0 : 0;
            var round = pending.Take(EntriesPerTransaction).ToList();
            var actions = new List<TableTransactionAction>(round.Count + 1);
            foreach (var (entry, ticks, key) in round)
            {
                var row = new TableEntity(partition, RecordTableKeys.TimelineRow(ticks, key)) { [SequenceProperty] = next++ };
                TablePayload.Write(row, EntryProperty, TimelineFormat.Serialize(entry), $"A timeline entry of {owner}");
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, row));
            }

            var newHead = new TableEntity(partition, RecordTableKeys.TimelineHeadRow) { [NextProperty] = next };
            actions.Add(head.HasValue
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, newHead, head.Value!.ETag)
                : new TableTransactionAction(TableTransactionActionType.Add, newHead));
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                pending.RemoveRange(0, round.Count);
                if (pending.Count == 0)
                {
                    return;
                }
            }
            catch (TableTransactionFailedException exception) when (exception.Status is 409 or 412 && ++conflicts < MaxConflicts)
            {
                // Someone appended in between: read again.
            }
        }
    }

    /// <summary>Gets the timeline by time; entries of the same time in the order appended. Empty when there is none.</summary>
    public static async Task<IReadOnlyList<TimelineEntry>> ReadAsync(TableClient table, string partition, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and RowKey ge {RecordTableKeys.TimelineFirst} and RowKey lt {RecordTableKeys.TimelineEnd}");
        var rows = new List<(string Ticks, long Sequence, TimelineEntry Entry)>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var json = TablePayload.Read(row, EntryProperty) ?? throw new InvalidDataException($"Timeline row '{row.RowKey}' holds no entry.");

            // Row keys sort by time; within one time the sequence gives the append order.
            rows.Add((row.RowKey[1..20], row.GetInt64(SequenceProperty) ?? 0, TimelineFormat.Deserialize(json)));
        }

        return [.. rows.OrderBy(r => r.Ticks, StringComparer.Ordinal).ThenBy(r => r.Sequence).Select(r => r.Entry)];
    }
}
