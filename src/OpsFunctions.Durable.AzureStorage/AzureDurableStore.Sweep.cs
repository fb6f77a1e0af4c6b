using Azure;
using Azure.Data.Tables;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// The sweep for instances that were never started: a creator that died between inserting the head and sending the
/// start leaves a Pending head whose outbox holds the start, and no message that would bring any host to it.
/// </summary>
/// <remarks>
/// Only hosts that run orchestrations sweep, from when their worker first asks for work: they are the ones that take the
/// start. Every such host sweeps on its own; two that recover one instance at once send its start twice, and the
/// receiver drops the second. The first to finish clears the outbox, so later sweeps no longer find the instance.
/// A sweep cannot see whether the start still waits in a queue (a scheduled start, a backlog past the grace): such a
/// start is sent once more as well, and dropped as a duplicate when it arrives.
/// Azure Tables index only the keys, and heads share the table with history: the filter spares the host reading history
/// and running instances, but the service still walks every row to apply it. Hence one query per interval, paged.
/// </remarks>
public sealed partial class AzureDurableStore
{
    private Task? _sweeper;

    /// <summary>Sweeps every <see cref="AzureStorageOptions.AbandonedStartSweepInterval"/> until the store stops.</summary>
    private async Task SweepAbandonedStartsLoopAsync(CancellationToken cancellationToken)
    {
        var interval = _options.AbandonedStartSweepInterval;

        // Hosts deployed together would otherwise sweep in step and recover the same instances side by side.
        var delay = interval * Random.Shared.NextDouble();
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(delay, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            delay = interval;
            try
            {
                await SweepAbandonedStartsAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The next round tries again; the loop must outlive a failed or timed-out request.
                LogSweepFailed(interval, exception.GetType().Name + ": " + exception.Message);
            }
        }
    }

    /// <summary>Sends the start of every instance that has waited for it longer than <see cref="OutboxGrace"/>.</summary>
    /// <returns>How many starts this sweep sent.</returns>
    internal async Task<int> SweepAbandonedStartsAsync(CancellationToken cancellationToken)
    {
        // Only a create leaves a Pending head with an outbox time: a sub-orchestration's head is written without one,
        // and the first episode leaves the instance Running. A start scheduled for later is left until it is due:
        // before then its absence from the queues delays nothing, and idempotency claims hold theirs for a day.
        var cutoff = _timeProvider.GetUtcNow() - OutboxGrace;
        var filter = TableClient.CreateQueryFilter(
            $"RowKey eq {InstanceHead.RowKey} and Status eq {(int)OrchestrationRuntimeStatus.Pending} and OutboxAt le {cutoff} and StartAt le {cutoff}");
        var sent = 0;
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            sent += await RecoverStartAsync(entity, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return sent;
    }

    /// <summary>Sends the start on a head the sweep found, then clears it, checked against the head's ETag.</summary>
    private async Task<bool> RecoverStartAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        var instanceId = entity.GetString("Id");

        // Announced before the check, as for a sent outbox: a lock taken here meanwhile waits for the clear, so its
        // episode commits against the head the clear wrote.
        var clearing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_clearing.TryAdd(instanceId, clearing))
        {
            return false;
        }

        try
        {
            // Held messages bring this host's own lock to the head, and the lock sends the outbox itself.
            if (HoldsWorkFor(instanceId))
            {
                return false;
            }

            // With its payloads: the clear replaces the whole row.
            var head = await InstanceHead.FromEntityAsync(entity, includePayloads: true, _payloads, cancellationToken).ConfigureAwait(false);
            if (!await SendAbandonedStartAsync(head, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            _heads.TryRemove(instanceId, out _);
            try
            {
                await ClearOutboxAsync(head, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException exception) when (exception.Status is 412 or 404)
            {
                // The first episode or a purge replaced the head after the start went out.
            }

            return true;
        }
        finally
        {
            _clearing.TryRemove(KeyValuePair.Create(instanceId, clearing));
            clearing.TrySetResult();
        }
    }
}
