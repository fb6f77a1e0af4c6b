using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpsFunctions.Durable.AzureStorage;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Testing.Azure;

namespace OpsFunctions.Durable.AzureStorage.Tests;

/// <summary>
/// What only the Azure Storage store has: blobs for large payloads, the poison queue, the queue's visibility cap,
/// the outbox of a host that died, and start-up against an account that does not answer.
/// </summary>
public sealed partial class AzureDurableStoreTests : IAsyncDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly AzuriteTaskHubs _hubs = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _hubs.DisposeAsync();

    [Fact]
    public async Task SendMessage_LargerThanAQueueMessage_GoesThroughABlobIntact()
    {
        var hub = AzuriteTaskHubs.NewHubName();
        var store = await _hubs.CreateAsync(_time, hub);
        await CreateAsync(store, "big");
        var payload = "\"" + new string('p', 200 * 1024) + "\"";

        await store.SendMessageAsync(new OrchestrationMessage("big", null, new EventRaised("e1", "data", payload) { Timestamp = _time.GetUtcNow() }), Ct);

        var item = await store.TryLockOrchestrationAsync(Lease, 100, Ct);
        Assert.NotNull(item);
        Assert.Equal(payload, Assert.IsType<EventRaised>(item.Messages[1].Message.Event).Input);
        var container = new BlobContainerClient(Azurite.ConnectionString, hub + "-payloads");
        Assert.NotEmpty(await container.GetBlobsAsync(cancellationToken: Ct).ToArrayAsync(Ct));
    }

    [Fact]
    public async Task CompleteOrchestration_HistoryEventOverThePropertyLimit_ReadsBackIntact()
    {
        var store = await _hubs.CreateAsync(_time);
        await CreateAsync(store, "a");
        var item = (await store.TryLockOrchestrationAsync(Lease, 100, Ct))!;
        var input = "\"" + new string('i', 100 * 1024) + "\"";
        var events = new HistoryEvent[] { new TaskScheduled(1, "Act", input) { Timestamp = _time.GetUtcNow() }, new TaskScheduled(2, "Act", "2") { Timestamp = _time.GetUtcNow() } };

        await store.CompleteOrchestrationAsync(item, Commit(item, events), Ct);

        var history = await store.ReadHistoryAsync("a", Ct);
        Assert.Equal(input, Assert.IsType<TaskScheduled>(history[0]).Input);
        Assert.Equal("2", Assert.IsType<TaskScheduled>(history[1]).Input);
    }

    [Fact]
    public async Task Poll_UnparsableMessage_MovesToPoisonQueueAndTheQueueKeepsFlowing()
    {
        var hub = AzuriteTaskHubs.NewHubName();
        var store = await _hubs.CreateAsync(_time, hub, o => o.PartitionCount = 1);
        await CreateAsync(store, "healthy");
        await store.DisposeAsync();
        var control = new QueueClient(Azurite.ConnectionString, hub + "-control-00");
        await control.SendMessageAsync("{\"p\":[{\"o\":\"{\\\"instanceId\\\":\\\"broken-1\\\",\\\"event\\\":42}\"}]}", Ct);
        var other = await _hubs.CreateAsync(_time, hub, o => o.PartitionCount = 1);

        // The first host gave its held start message back when it stopped; the second polls both queue messages.
        var item = await LockWithinAsync(other);

        Assert.Equal("healthy", item.InstanceId);
        var poisoned = await PeekAsync(other.PoisonQueue);
        Assert.Contains("broken-1", poisoned, StringComparison.Ordinal);

        // Left in the control queue: only the healthy start message, which the second host holds. The broken one may come
        // in a later poll than the healthy one, and it is copied to the poison queue before it is deleted here: wait.
        await Eventually.HappensAsync(
            async () => (await control.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount == 1,
            "only the healthy message left in the control queue");
    }

    [Fact]
    public async Task Timer_DueBeyondTheVisibilityCap_IsRequeuedAndFiresOnTimeAsAFirstAttempt()
    {
        var store = await _hubs.CreateAsync(TimeProvider.System, configure: o =>
        {
            o.TimerPrefetch = TimeSpan.Zero;
            o.MaxVisibilityDelay = TimeSpan.FromSeconds(1);
        });

        var (due, fired) = await FireTimerAsync(store, TimeSpan.FromSeconds(4.5));

        Assert.True(TimeProvider.System.GetUtcNow() >= due, "The timer fired before its due time.");
        var message = Assert.Single(fired.Messages);
        Assert.Equal(due, Assert.IsType<TimerFired>(message.Message.Event).FireAt);
        // Hidden at most 1 s at a time, the message is seen again about every second until due, each time requeued while
        // more than the cap remains: 3 times when the poller is prompt, fewer when a loaded machine makes it late. A
        // message hidden the whole 4.5 s at once, past the cap, would never be requeued.
        Assert.True(store.RequeueCount >= 1, $"A message due 4.5 s ahead under a 1 s cap should have been hidden again, not {store.RequeueCount} times.");

        // Every requeue was a receive, and the queue counts each; none was a failed attempt, or long timers would poison.
        Assert.Equal(1, message.DequeueCount);
    }

    [Fact]
    public async Task Timer_ArrivingAFractionOfASecondBeforeThePrefetch_IsKeptWithoutSpinningThroughTheQueue()
    {
        // The queue takes whole seconds: a send hidden for 1.5 s shows after 1 s, and a hide of 0.5 s shows at once.
        var store = await _hubs.CreateAsync(TimeProvider.System, configure: o => o.TimerPrefetch = TimeSpan.FromSeconds(1));

        var (due, fired) = await FireTimerAsync(store, TimeSpan.FromSeconds(2.5));

        Assert.True(TimeProvider.System.GetUtcNow() >= due, "The timer fired before its due time.");
        Assert.Equal(0, store.RequeueCount);
        Assert.Equal(1, Assert.Single(fired.Messages).DequeueCount);
    }

    /// <summary>Commits a timer due <paramref name="delay"/> from now on a new instance, then locks the instance when it fires.</summary>
    private async Task<(DateTimeOffset Due, OrchestrationWorkItem Fired)> FireTimerAsync(AzureDurableStore store, TimeSpan delay)
    {
        await CreateAsync(store, "a", TimeProvider.System);
        var first = (await store.TryLockOrchestrationAsync(Lease, 100, Ct))!;
        var due = TimeProvider.System.GetUtcNow() + delay;
        var timer = new OrchestrationMessage("a", "exec-1", new TimerFired(1, due) { Timestamp = due }) { VisibleAt = due };

        await store.CompleteOrchestrationAsync(first, Commit(first, [], [timer]), Ct);

        return (due, await LockWithinAsync(store, delay + Eventually.Patience));
    }

    [Fact]
    public async Task TryLockOrchestration_HeadLeftWithAnUnsentOutbox_SendsItBeforeTheEpisode()
    {
        var hub = AzuriteTaskHubs.NewHubName();
        var store = await _hubs.CreateAsync(_time, hub);
        await CreateAsync(store, "a");
        var item = (await store.TryLockOrchestrationAsync(Lease, 100, Ct))!;
        await store.CompleteOrchestrationAsync(item, Commit(item, [new TaskScheduled(1, "Act", null) { Timestamp = _time.GetUtcNow() }]), Ct);

        // The state a host leaves when it dies between its commit and its sends: the outbox is on the head, nothing queued.
        var table = new TableClient(Azurite.ConnectionString, hub + "Instances");
        var row = (await table.GetEntityAsync<TableEntity>("a", "head", cancellationToken: Ct)).Value;
        row["Outbox"] = new Outbox([new EnvelopePart(null, HistorySerializer.Serialize(new ActivityMessage("a", "exec-1", 1, "Act", "\"x\"")), row.GetString("Incarnation"))]).Serialize();
        row["OutboxBy"] = "a-host-that-died";
        row["OutboxAt"] = _time.GetUtcNow().AddMinutes(-5);
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);
        var recovering = await _hubs.CreateAsync(_time, hub);
        await recovering.SendMessageAsync(new OrchestrationMessage("a", null, new EventRaised("e", "poke", null) { Timestamp = _time.GetUtcNow() }), Ct);

        var next = (await recovering.TryLockOrchestrationAsync(Lease, 100, Ct))!;

        Assert.Equal("poke", Assert.IsType<EventRaised>(Assert.Single(next.Messages).Message.Event).Name);
        var activity = await recovering.TryLockActivityAsync(Lease, Ct);
        Assert.NotNull(activity);
        Assert.Equal(1, activity.Message.TaskId);
        Assert.Null((await table.GetEntityAsync<TableEntity>("a", "head", cancellationToken: Ct)).Value.GetString("Outbox"));
    }

    [Fact]
    public async Task CreateInstance_InAProcessWithoutWorkers_SendsTheStartVisibleToOtherHosts()
    {
        var hub = AzuriteTaskHubs.NewHubName();
        var clientOnly = await _hubs.CreateAsync(_time, hub, asWorker: false);

        await CreateAsync(clientOnly, "a");

        var queue = new QueueClient(Azurite.ConnectionString, $"{hub}-control-{AzureDurableStore.PartitionOf("a", AzureStorageConstants.DefaultPartitionCount):D2}");
        Assert.Contains("ExecutionStarted", await PeekAsync(queue), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateInstance_ByAClientOnlyProcess_IsLockedByAWorkerAtOnce()
    {
        var hub = AzuriteTaskHubs.NewHubName();
        var clientOnly = await _hubs.CreateAsync(_time, hub, asWorker: false);
        var worker = await _hubs.CreateAsync(_time, hub);

        await CreateAsync(clientOnly, "a");

        // The start on the head's outbox is the one the lock holds: no grace to wait, nothing to send again.
        var item = await LockWithinAsync(worker);
        Assert.Equal("a", item.InstanceId);
        Assert.IsType<ExecutionStarted>(Assert.Single(item.Messages).Message.Event);
    }

    [Fact]
    public async Task CreateInstance_CreatorDiedBeforeSendingTheStart_TheNextCreateOfTheIdSendsItAndStillFails()
    {
        var hub = AzuriteTaskHubs.NewHubName();
        var clientOnly = await _hubs.CreateAsync(_time, hub, asWorker: false);
        await CreateAsync(clientOnly, "a");

        // The state a creator leaves when it dies between its insert and its send: the head, and no message.
        var queue = new QueueClient(Azurite.ConnectionString, $"{hub}-control-{AzureDurableStore.PartitionOf("a", AzureStorageConstants.DefaultPartitionCount):D2}");
        await PeekAsync(queue);
        await queue.ClearMessagesAsync(Ct);
        _time.Advance(AzureDurableStore.OutboxGrace);

        await Assert.ThrowsAsync<InstanceAlreadyExistsException>(() => CreateAsync(clientOnly, "a"));

        var worker = await _hubs.CreateAsync(_time, hub);
        var item = await LockWithinAsync(worker);
        Assert.Equal("a", item.InstanceId);
        Assert.IsType<ExecutionStarted>(Assert.Single(item.Messages).Message.Event);
    }

    [Fact]
    public async Task CreateInstance_InsertAppliedButItsAnswerLost_SucceedsOnTheRetry()
    {
        var hub = AzuriteTaskHubs.NewHubName();
        var direct = await _hubs.CreateAsync(_time, hub);
        await using var proxy = await FaultyStorageProxy.StartAsync(
            period: 2, [StorageFault.FailedAfterApplying], request => request.Method == "POST" && request.Path.Value!.EndsWith("Instances", StringComparison.Ordinal));
        var options = new AzureStorageOptions { ConnectionString = proxy.ConnectionString, TimerPrefetch = AzureStorageConstants.MaxVisibilityDelay };
        await using var proxied = new AzureDurableStore(hub, options, _time, NullLogger<AzureDurableStore>.Instance);
        await proxied.InitializeAsync(Ct);

        // The second insert lands, its answer is replaced by a 500, and the SDK's retry meets the row it wrote: 409.
        await CreateAsync(proxied, "a");
        await CreateAsync(proxied, "b");

        Assert.Equal(1, proxy.Injected(StorageFault.FailedAfterApplying));
        var locked = new[] { await LockWithinAsync(direct), await LockWithinAsync(direct) };
        Assert.Equal(["a", "b"], locked.Select(item => item.InstanceId).Order());
        Assert.All(locked, item => Assert.IsType<ExecutionStarted>(Assert.Single(item.Messages).Message.Event));
    }

    [Fact]
    public async Task Initialize_AccountThatNeverAnswers_GivesUpAtTheStartupTimeoutNamingTheEndpoint()
    {
        // Takes connections and never answers: the request waits on the network until the start-up timeout cuts it.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var endpoint = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        var options = new AzureStorageOptions
        {
            ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
                + $"BlobEndpoint={endpoint}/devstoreaccount1;QueueEndpoint={endpoint}/devstoreaccount1;TableEndpoint={endpoint}/devstoreaccount1;",
            StartupTimeout = TimeSpan.FromSeconds(3),
        };
        await using var store = new AzureDurableStore("ops", options, _time, NullLogger<AzureDurableStore>.Instance);

        var initializing = store.InitializeAsync(Ct);
        using var connection = await silent.AcceptTcpClientAsync(Ct);
        _time.Advance(TimeSpan.FromSeconds(2.9));
        var early = initializing.IsCompleted;
        _time.Advance(TimeSpan.FromSeconds(0.1));
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => initializing);

        Assert.False(early, "Start-up gave up before its timeout.");
        Assert.Contains($"Azure Storage at {endpoint}", exception.Message, StringComparison.Ordinal);
        Assert.Contains("no answer within 3 s", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", exception.Message, StringComparison.Ordinal);
    }

    private async Task CreateAsync(IDurableStore store, string instanceId, TimeProvider? time = null, string name = "Orchestrator", string input = "\"input\"")
    {
        var now = (time ?? _time).GetUtcNow();
        await store.CreateInstanceAsync(
            new InstanceRecord(instanceId, name) { CreatedAt = now, LastUpdatedAt = now, Input = input },
            new OrchestrationMessage(instanceId, null, new ExecutionStarted(name, "exec-1", input) { Timestamp = now }),
            Ct);
    }

    private static OrchestrationCommit Commit(
        OrchestrationWorkItem item, IReadOnlyList<HistoryEvent> events, IReadOnlyList<OrchestrationMessage>? messages = null, IReadOnlyList<ActivityMessage>? activities = null)
        => new(item.Instance! with { Status = OrchestrationRuntimeStatus.Running, ExecutionId = "exec-1" }, events, false, messages ?? [], activities ?? []);

    /// <summary>Reads the first message of a queue, waiting for it on the real clock: the poller writes it in the background.</summary>
    private static async Task<string> PeekAsync(QueueClient queue)
        => await Eventually.ReturnsAsync(
            async () => (await queue.PeekMessagesAsync(1, Ct)).Value is { Length: > 0 } peeked ? peeked[0].MessageText : null,
            $"a message on {queue.Name}");

    /// <summary>Waits for work the way the engine's poller does, on the real clock.</summary>
    private static async Task<OrchestrationWorkItem> LockWithinAsync(IDurableStore store, TimeSpan? patience = null)
    {
        var limit = patience ?? Eventually.Patience;
        var started = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(started) < limit)
        {
            if (await store.TryLockOrchestrationAsync(Lease, 100, Ct) is { } item)
            {
                return item;
            }

            // Bounded on the real clock: a store on a fake clock waits for its poller's signal only.
            using var poll = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            poll.CancelAfter(TimeSpan.FromMilliseconds(100));
            try
            {
                await store.WaitForWorkAsync(WorkItemKind.Orchestration, TimeSpan.FromMilliseconds(100), poll.Token);
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
            }
        }

        throw new Xunit.Sdk.XunitException($"No orchestration work item within {limit}.");
    }
}
