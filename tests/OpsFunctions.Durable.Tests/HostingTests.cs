using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpsFunctions.Durable.Worker;

namespace OpsFunctions.Durable.Tests;

public sealed class HostingTests : OrchestrationTestBase
{
    [Fact]
    public async Task WaitForInstanceCompletionAsync_AfterReturning_LeavesNoWaiterBehind()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<int, int>("Inc", (_, n) => n + 1)
            .AddOrchestratorFunc<int, int>("Flow", (context, n) => context.CallActivityAsync<int>("Inc", n)));

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(i + 1, (await RunAsync(host, "Flow", i)).ReadOutputAs<int>());
        }

        Assert.Equal(0, host.Services.GetRequiredService<InstanceChangeNotifier>().WatchedInstances);
    }

    [Fact]
    public void AddDurableTask_CalledTwice_RegistersOneWorker()
    {
        var services = new ServiceCollection();

        services.AddDurableTask();
        services.AddDurableTask();

        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
    }
}
