using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// The task hub on Azure Storage: a table holds each instance's head and history in one partition, control queues carry
/// orchestration messages, a work-item queue carries activities, and a container holds payloads too large for either.
/// </summary>
/// <remarks>
/// Locks and message visibility are judged by the store's <see cref="TimeProvider"/> on messages this host holds in
/// memory; the queue's own invisibility (on the real clock) keeps other hosts away while it holds them, and hands the
/// messages to another host if this one dies. Messages this host sends to itself skip the queue's receive: they are sent
/// invisible and held at once, so a lone host adds no polling latency.
/// </remarks>
public sealed partial class AzureDurableStore : IDurableStore, ILocalWorkStore
{
    private const int MaxCachedHeads = 10_000;
    private static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(30);

    private readonly AzureStorageOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AzureDurableStore> _logger;
    private readonly TaskHubNames _names;
    private readonly StorageClients _clients;
    private readonly TableClient _table;
    private readonly QueueClient[] _controlQueues;
    private readonly QueueClient _workItemQueue;
    private readonly QueueClient _poisonQueue;
    private readonly PayloadStore _payloads;
    private readonly ControlBuffer _controlBuffer;
    private readonly ActivityBuffer _activityBuffer;
    private readonly SendBatcher<OrchestrationMessage>[] _controlBatchers;
    private readonly SendBatcher<ActivityMessage> _activityBatcher;
    private readonly WorkSignal _orchestrationSignal = new();
    private readonly WorkSignal _activitySignal = new();
    private readonly ConcurrentDictionary<string, InstanceHead> _heads = new(StringComparer.Ordinal);
    private readonly string _hostId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
    private readonly CancellationTokenSource _stopping = new();
    private Task _background = Task.CompletedTask;
    private TimeSpan _lease = DefaultLease;
    private int _disposed;
    private Task? _orchestrationPoller;
    private Task? _activityPoller;

    /// <summary>Initializes a new instance of the <see cref="AzureDurableStore"/> class.</summary>
    /// <param name="hubName">The task hub; its tables, queues and container are named after it.</param>
    /// <param name="options">The connection and tuning.</param>
    /// <param name="timeProvider">The clock that judges visibility and leases.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentException">The hub name gives names Azure Storage refuses, or the connection is malformed.</exception>
    public AzureDurableStore(string hubName, AzureStorageOptions options, TimeProvider timeProvider, ILogger<AzureDurableStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _names = TaskHubNames.For(hubName, options.PartitionCount);
        _clients = StorageClients.Create(options);
        _table = _clients.Tables.GetTableClient(_names.InstancesTable);
        _controlQueues = _names.ControlQueues.Select(_clients.Queues.GetQueueClient).ToArray();
        _workItemQueue = _clients.Queues.GetQueueClient(_names.WorkItemQueue);
        _poisonQueue = _clients.Queues.GetQueueClient(_names.PoisonQueue);
        _payloads = new PayloadStore(_clients.Blobs.GetBlobContainerClient(_names.PayloadContainer));
        _controlBuffer = new ControlBuffer(timeProvider);
        _activityBuffer = new ActivityBuffer(timeProvider);
        _controlBatchers = _controlQueues.Select(ControlBatcher).ToArray();
        _activityBatcher = ActivityBatcher();
    }

    /// <summary>Gets the count of requests this store sent to the account.</summary>
    internal RequestCounter Requests => _clients.Requests;

    /// <summary>Gets the queue that keeps messages no worker could read.</summary>
    internal QueueClient PoisonQueue => _poisonQueue;

    /// <summary>Gets how many times this host put a delayed message back because it was not due yet.</summary>
    internal int RequeueCount => _requeueCount;

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_options.StartupTimeout, _timeProvider);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await _table.CreateIfNotExistsAsync(timeout.Token).ConfigureAwait(false);
            await Task.WhenAll(_controlQueues.Append(_workItemQueue).Append(_poisonQueue)
                .Select(queue => queue.CreateIfNotExistsAsync(cancellationToken: timeout.Token))).ConfigureAwait(false);
            await _clients.Blobs.GetBlobContainerClient(_names.PayloadContainer)
                .CreateIfNotExistsAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested
            && exception is RequestFailedException or OperationCanceledException or AggregateException or HttpRequestException)
        {
            var reason = exception is OperationCanceledException ? $"no answer within {_options.StartupTimeout.TotalSeconds:0} s" : FirstLine(exception.Message);
            throw new InvalidOperationException($"Azure Storage at {_clients.Endpoint} is not usable for task hub '{_names.InstancesTable}': {reason}.", exception);
        }

        LogStarted(_clients.Endpoint, _names.InstancesTable, _controlQueues.Length, _hostId);
        _background = Task.WhenAll(RenewHeldMessagesAsync(_stopping.Token), ClearSentOutboxesLoopAsync(_stopping.Token));
    }

    /// <inheritdoc/>
    public async Task WaitForWorkAsync(WorkItemKind kind, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        EnsurePolling(kind);
        var signal = Signal(kind);
        var signaled = signal.BeginWait();
        if (signaled.IsCompleted || maxWait <= TimeSpan.Zero)
        {
            return;
        }

        var now = _timeProvider.GetUtcNow();
        var delay = maxWait;
        var due = kind == WorkItemKind.Orchestration ? _controlBuffer.NextDue() : _activityBuffer.NextDue();
        if (due is { } next && next - now < delay)
        {
            delay = next - now;
        }

        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(delay, _timeProvider, delayCancellation.Token);
        await Task.WhenAny(signaled, timer).ConfigureAwait(false);
        await delayCancellation.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var task in new[] { _background, _orchestrationPoller, _activityPoller, _sweeper })
        {
            try
            {
                await (task ?? Task.CompletedTask).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await Task.WhenAll(_deletions.Keys).ConfigureAwait(false);

        // Cleared now, other hosts need not wait out the grace on these instances' next messages.
        try
        {
            await ClearSentOutboxesAsync(all: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RequestFailedException)
        {
        }

        // Messages held but not consumed go back to the queue at once, so another host need not wait out their leases.
        await Task.WhenAll(_controlBuffer.Physicals().Concat(_activityBuffer.Physicals())
            .Select(physical => ReleaseAsync(physical))).ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Deletes the hub's table, queues and container; for tests and tools that create throwaway hubs.</summary>
    internal async Task DeleteTaskHubAsync(CancellationToken cancellationToken)
    {
        await _table.DeleteAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(_controlQueues.Append(_workItemQueue).Append(_poisonQueue)
            .Select(queue => queue.DeleteIfExistsAsync(cancellationToken))).ConfigureAwait(false);
        await _clients.Blobs.GetBlobContainerClient(_names.PayloadContainer).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public bool HoldsWorkFor(string instanceId) => _controlBuffer.Holds(instanceId) || _activityBuffer.Holds(instanceId);

    /// <summary>
    /// Starts polling the queues of <paramref name="kind"/> once a worker asks for work. A process that only starts and
    /// steers instances never polls, so it never takes messages it has no worker for. The first orchestration worker
    /// starts the sweep for never-started instances as well.
    /// </summary>
    private void EnsurePolling(WorkItemKind kind)
    {
        ref var poller = ref kind == WorkItemKind.Orchestration ? ref _orchestrationPoller : ref _activityPoller;
        if (Volatile.Read(ref poller) is null && _disposed == 0)
        {
            lock (_stopping)
            {
                poller ??= PollAsync(kind, _stopping.Token);
                if (kind == WorkItemKind.Orchestration)
                {
                    _sweeper ??= SweepAbandonedStartsLoopAsync(_stopping.Token);
                }
            }
        }
    }

    private WorkSignal Signal(WorkItemKind kind) => kind == WorkItemKind.Orchestration ? _orchestrationSignal : _activitySignal;

    private QueueClient ControlQueue(string instanceId) => _controlQueues[PartitionOf(instanceId, _controlQueues.Length)];

    /// <summary>FNV-1a over the id's UTF-16 code units: stable across processes and versions, unlike string.GetHashCode.</summary>
    internal static int PartitionOf(string instanceId, int partitionCount)
    {
        var hash = 2166136261u;
        foreach (var c in instanceId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)partitionCount);
    }

    private void Remember(InstanceHead head)
    {
        if (_heads.Count >= MaxCachedHeads)
        {
            _heads.Clear();
        }

        _heads[head.Record.InstanceId] = head;
    }

    private async Task<InstanceHead?> ReadHeadAsync(string instanceId, bool includePayloads, CancellationToken cancellationToken)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(KeyEncoder.Encode(instanceId), InstanceHead.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue)
        {
            _heads.TryRemove(instanceId, out _);
            return null;
        }

        var head = await InstanceHead.FromEntityAsync(response.Value!, includePayloads, _payloads, cancellationToken).ConfigureAwait(false);
        if (includePayloads)
        {
            Remember(head);
        }

        return head;
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
