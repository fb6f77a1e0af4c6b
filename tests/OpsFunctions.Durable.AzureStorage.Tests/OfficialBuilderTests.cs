using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Testing.Azure;
using OpsFunctions.Testing.Samples;

namespace OpsFunctions.Durable.AzureStorage.Tests;

public sealed class OfficialBuilderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OfficialBuilders_UseAzureStorage_RunTheDocumentationsOrchestratorOnAzurite()
    {
        var hub = AzuriteTaskHubs.NewHubName();
        using var host = await StartAsync(hub, tasks => tasks.AddOrchestrator<HelloCities>().AddActivity<SayHello>());
        try
        {
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities), cancellation: Ct);
            var result = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Ct);

            Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
            Assert.Equal(["Hello Tokyo!", "Hello Seattle!", "Hello London!"], result.ReadOutputAs<List<string>>());
            Assert.IsType<AzureDurableStore>(Assert.Single(host.Services.GetServices<IDurableStore>()));
            Assert.Equal(hub, host.Services.GetRequiredService<IOptions<DurableTaskOptions>>().Value.HubName);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            await ((AzureDurableStore)host.Services.GetRequiredService<IDurableStore>()).DeleteTaskHubAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task SendEvent_OnAzureStorage_ReachesTheOtherInstanceOnce()
    {
        using var host = await StartAsync(AzuriteTaskHubs.NewHubName(), tasks => tasks.AddLastWordSender());
        try
        {
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            await client.ScheduleNewOrchestrationInstanceAsync("Receiver", new StartOrchestrationOptions(LastWordSender.ReceiverId), Ct);
            await client.WaitForInstanceStartAsync(LastWordSender.ReceiverId, cancellation: Ct);
            await client.ScheduleNewOrchestrationInstanceAsync("Sender", 0, new StartOrchestrationOptions("sender"), Ct);

            var receiver = await client.WaitForInstanceCompletionAsync(LastWordSender.ReceiverId, getInputsAndOutputs: true, Ct);

            Assert.Equal(LastWordSender.ExpectedOutput, receiver.ReadOutputAs<string>());
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            await ((AzureDurableStore)host.Services.GetRequiredService<IDurableStore>()).DeleteTaskHubAsync(CancellationToken.None);
        }
    }

    private static async Task<IHost> StartAsync(string hub, Action<DurableTaskRegistry> tasks)
    {
        var connectionString = await Azurite.EnsureStartedAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDurableTaskWorker(worker => worker
            .AddTasks(tasks)
            .UseAzureStorage(o => o.ConnectionString = connectionString, engine => engine.HubName = hub));
        builder.Services.AddDurableTaskClient(client => client.UseAzureStorage(o => o.ConnectionString = connectionString));
        var host = builder.Build();
        await host.StartAsync(Ct);
        return host;
    }
}
