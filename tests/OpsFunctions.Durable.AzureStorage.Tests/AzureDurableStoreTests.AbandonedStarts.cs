using System.Globalization;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using OpsFunctions.Durable.AzureStorage;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.CrashWorker;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Testing.Azure;

namespace OpsFunctions.Durable.AzureStorage.Tests;

/// <summary>
/// The sweep for instances whose creator died between writing the head and sending the start: a host that runs
/// orchestrations finds them and sends the start, and nobody has to create the id again.
/// </summary>
public sealed partial class AzureDurableStoreTests
{
    private const int OutboxRecoveredEventId = 3206;

    [Fact]
    public async Task Sweep_CreatorDiedBeforeSendingTheStart_AWorkerRunsTheInstanceToCompletion()
    {
        var hub = AzuriteTaskHubs.NewHubName();

        // The creator's clock runs a minute behind: on the worker's clock its start is past the outbox grace at once.
        var creatorTime = new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddMinutes(-1));
        var creator = await _hubs.CreateAsync(creatorTime, hub, asWorker: false);
        await CreateAsync(creator, "a", creatorTime, nameof(Pipeline), "3");
        await ForgetSentStartsAsync(hub);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFakeLogging();
        builder.Services
            .AddDurableTask(options => options.HubName = hub)
            .AddTasks(tasks => tasks.AddOrchestrator<Pipeline>().AddActivity<AddOne>().AddActivity<Multiply>())
            .UseAzureStorage(Azurite.ConnectionString, options => options.AbandonedStartSweepInterval = TimeSpan.FromMilliseconds(100));
        using var host = builder.Build();
        await host.StartAsync(Ct);
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            limit.CancelAfter(TimeSpan.FromMinutes(1));
            var client = host.Services.GetRequiredService<DurableTaskClient>();

            var waiting = client.WaitForInstanceCompletionAsync("a", getInputsAndOutputs: true, cancellation: limit.Token);
            await Task.WhenAny(waiting);
            Assert.False(waiting.IsCanceled, "No host sent the start the creator left on the head: the instance never ran.");
            var instance = await waiting;

            Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
            Assert.Equal(Pipeline.Expected(3).ToString(CultureInfo.InvariantCulture), instance.SerializedOutput);
            var recovered = host.Services.GetRequiredService<FakeLogCollector>().GetSnapshot().Where(log => log.Id.Id == OutboxRecoveredEventId);
            Assert.Contains(recovered, log => log.Message.StartsWith("Instance a:", StringComparison.Ordinal));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task SweepAbandonedStarts_PendingHeadsPastTheGrace_SendsEachStartOnceAndLeavesTheRest()
    {
        var hub = AzuriteTaskHubs.NewHubName();
        var creator = await _hubs.CreateAsync(_time, hub, asWorker: false);
        await CreateAsync(creator, "old");
        _time.Advance(AzureDurableStore.OutboxGrace);
        await CreateAsync(creator, "young");
        await ForgetSentStartsAsync(hub);

        // A sweep interval no test waits out: the test sweeps by hand.
        var worker = await _hubs.CreateAsync(_time, hub, options => options.AbandonedStartSweepInterval = TimeSpan.FromDays(1));

        Assert.Equal(1, await worker.SweepAbandonedStartsAsync(Ct));
        Assert.Equal(0, await worker.SweepAbandonedStartsAsync(Ct));
        var item = await worker.TryLockOrchestrationAsync(Lease, 100, Ct);
        Assert.NotNull(item);
        Assert.Equal("old", item.InstanceId);
        Assert.IsType<ExecutionStarted>(Assert.Single(item.Messages).Message.Event);

        // Running with history and an old outbox time: not the sweep's. The younger start is, once past the grace.
        await worker.CompleteOrchestrationAsync(item, Commit(item, [new TaskScheduled(1, "Act", null) { Timestamp = _time.GetUtcNow() }]), Ct);
        _time.Advance(AzureDurableStore.OutboxGrace);

        Assert.Equal(1, await worker.SweepAbandonedStartsAsync(Ct));
        var young = await worker.TryLockOrchestrationAsync(Lease, 100, Ct);
        Assert.Equal("young", young?.InstanceId);
    }

    [Fact]
    public async Task SweepAndCreateAgain_StartScheduledForLater_LeaveItUntilItIsDue()
    {
        var hub = AzuriteTaskHubs.NewHubName();
        var creator = await _hubs.CreateAsync(_time, hub, asWorker: false);
        await CreateScheduledAsync(creator, "later", _time.GetUtcNow().AddMinutes(10));
        await ForgetSentStartsAsync(hub);
        var worker = await _hubs.CreateAsync(_time, hub, options => options.AbandonedStartSweepInterval = TimeSpan.FromDays(1));
        _time.Advance(TimeSpan.FromMinutes(5));

        // Idempotency claims are such starts: a repeated claim must not send the held start again, nor must a sweep.
        await Assert.ThrowsAsync<InstanceAlreadyExistsException>(() => CreateScheduledAsync(creator, "later", _time.GetUtcNow().AddMinutes(10)));
        Assert.Equal(0, await worker.SweepAbandonedStartsAsync(Ct));
        Assert.Equal(0, await CountControlMessagesAsync(hub));

        _time.Advance(TimeSpan.FromMinutes(5) + AzureDurableStore.OutboxGrace);

        Assert.Equal(1, await worker.SweepAbandonedStartsAsync(Ct));
    }

    private Task CreateScheduledAsync(IDurableStore store, string instanceId, DateTimeOffset startAt)
    {
        var now = _time.GetUtcNow();
        return store.CreateInstanceAsync(
            new InstanceRecord(instanceId, "Orchestrator") { CreatedAt = now, LastUpdatedAt = now, Input = "\"input\"" },
            new OrchestrationMessage(instanceId, null, new ExecutionStarted("Orchestrator", "exec-1", "\"input\"") { Timestamp = now }) { VisibleAt = startAt },
            Ct);
    }

    private static async Task<int> CountControlMessagesAsync(string hub)
    {
        var count = 0;
        for (var partition = 0; partition < AzureStorageConstants.DefaultPartitionCount; partition++)
        {
            count += (await new QueueClient(Azurite.ConnectionString, $"{hub}-control-{partition:D2}").GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount;
        }

        return count;
    }

    /// <summary>Leaves the state of a creator that died between its insert and its send: heads, and no start in any queue.</summary>
    private static async Task ForgetSentStartsAsync(string hub)
    {
        for (var partition = 0; partition < AzureStorageConstants.DefaultPartitionCount; partition++)
        {
            await new QueueClient(Azurite.ConnectionString, $"{hub}-control-{partition:D2}").ClearMessagesAsync(Ct);
        }
    }
}
