using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpsFunctions.Durable.AzureStorage;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.CrashWorker;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Testing.Azure;
using OpsFunctions.Testing.Storage;

namespace OpsFunctions.Durable.AzureStorage.Tests;

/// <summary>
/// The engine on Azure Storage while storage throttles and loses answers: the SDK's retries and the store's
/// idempotent writes must leave every instance complete, with each event recorded once.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class StorageFaultTests
{
    private const int Instances = 20;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pipelines_WhileStorageThrottlesAndLosesAnswers_CompleteWithEachEventOnce()
    {
        await Azurite.EnsureStartedAsync();
        await using var proxy = await FaultyStorageProxy.StartAsync(period: 7);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFakeLogging();
        builder.Services
            .AddDurableTask(options =>
            {
                options.HubName = AzuriteTaskHubs.NewHubName();

                // A lost answer to a receive leaves messages invisible for a lease: keep it short so the test is too.
                options.LockTimeout = TimeSpan.FromSeconds(5);
                options.MaxConcurrentActivities = 16;
            })
            .AddTasks(tasks => tasks.AddOrchestrator<Pipeline>().AddActivity<AddOne>().AddActivity<Multiply>())
            .UseAzureStorage(proxy.ConnectionString);
        using var host = builder.Build();
        var store = (AzureDurableStore)host.Services.GetRequiredService<IDurableStore>();
        var logs = host.Services.GetRequiredService<FakeLogCollector>();
        await host.StartAsync(Ct);
        try
        {
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            var ids = new List<string>();
            for (var i = 0; i < Instances; i++)
            {
                ids.Add(await client.ScheduleNewOrchestrationInstanceAsync(nameof(Pipeline), i, new StartOrchestrationOptions($"fault-{i:D2}"), Ct));
            }

            using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            limit.CancelAfter(TimeSpan.FromMinutes(2));
            var waits = ids.Select(id => client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cancellation: limit.Token)).ToArray();
            try
            {
                await Task.WhenAll(waits);
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                Assert.Fail($"Instances did not complete:\n{await DescribeUnfinishedAsync(store, ids)}\nWarnings:\n{string.Join('\n', logs.GetSnapshot().Select(l => l.Message).TakeLast(40))}");
            }

            for (var i = 0; i < Instances; i++)
            {
                var instance = await waits[i];
                Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
                Assert.Equal(Pipeline.Expected(i).ToString(CultureInfo.InvariantCulture), instance.SerializedOutput);
                HistoryAssert.EachEventOnce(ids[i], await store.ReadHistoryAsync(ids[i], Ct), Pipeline.ActivityCount);
            }

            Assert.All(Enum.GetValues<StorageFault>(), fault => Assert.True(proxy.Injected(fault) > 0, $"No request met {fault}."));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            await store.DeleteTaskHubAsync(CancellationToken.None);
        }
    }

    /// <summary>Says where unfinished instances stopped and whether this host holds their work, so a failure can be diagnosed.</summary>
    private static async Task<string> DescribeUnfinishedAsync(AzureDurableStore store, IReadOnlyList<string> ids)
    {
        var text = new StringBuilder();
        foreach (var id in ids)
        {
            var instance = await store.GetInstanceAsync(id, includePayloads: false, CancellationToken.None);
            if (instance?.Status == OrchestrationRuntimeStatus.Completed)
            {
                continue;
            }

            var history = await store.ReadHistoryAsync(id, CancellationToken.None);
            text.Append(CultureInfo.InvariantCulture, $"{id} {instance?.Status} after {history.Count} events, work held here: {store.HoldsWorkFor(id)}: ")
                .AppendJoin(", ", history.TakeLast(4).Select(e => e.GetType().Name))
                .AppendLine();
        }

        return text.ToString();
    }
}
