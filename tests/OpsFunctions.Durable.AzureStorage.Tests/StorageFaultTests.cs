using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
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
            limit.CancelAfter(TimeSpan.FromMinutes(3));
            for (var i = 0; i < Instances; i++)
            {
                var instance = await client.WaitForInstanceCompletionAsync(ids[i], getInputsAndOutputs: true, cancellation: limit.Token);
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
}
