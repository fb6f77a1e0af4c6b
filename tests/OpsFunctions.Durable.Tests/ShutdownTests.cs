using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpsFunctions.Durable.Worker;
using OpsFunctions.Testing.Hosting;

namespace OpsFunctions.Durable.Tests;

public sealed class ShutdownTests : OrchestrationTestBase
{
    [Fact]
    public async Task StopAsync_ActivityFinishesWithinGracePeriod_CommitsItsResultWithoutRerun()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        var cancelledWhileRunning = false;
        await using var host = await CreateSut(
            tasks => tasks
                .AddActivityFunc<string, string>("Slow", async (context, input) =>
                {
                    Interlocked.Increment(ref runs);
                    entered.TrySetResult();
                    await release.Task;
                    cancelledWhileRunning = context.CancellationToken.IsCancellationRequested;
                    return input + "!";
                })
                .AddOrchestratorFunc<string, string>("Flow", (context, input) => context.CallActivityAsync<string>("Slow", input)),
            engine => engine.ShutdownGracePeriod = TimeSpan.FromMinutes(1));
        var worker = Worker(host);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Flow", "done", cancellation: Cancellation);
        await entered.Task.WaitAsync(Cancellation);

        var stopping = worker.StopAsync(Cancellation);
        release.SetResult();
        await stopping;
        await worker.StartAsync(Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.False(cancelledWhileRunning);
        Assert.Equal("done!", result.ReadOutputAs<string>());
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task StopAsync_ActivityOutlivesGracePeriod_IsCancelledAndRedelivered()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        await using var host = await CreateSut(
            tasks => tasks
                .AddActivityFunc<string, string>("Stuck", async (context, input) =>
                {
                    if (Interlocked.Increment(ref runs) == 1)
                    {
                        entered.TrySetResult();
                        await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
                    }

                    return input + "!";
                })
                .AddOrchestratorFunc<string, string>("Flow", (context, input) => context.CallActivityAsync<string>("Stuck", input)),
            engine => engine.ShutdownGracePeriod = TimeSpan.FromSeconds(10));
        var worker = Worker(host);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Flow", "again", cancellation: Cancellation);
        await entered.Task.WaitAsync(Cancellation);

        var stopping = worker.StopAsync(Cancellation);
        host.TimeProvider.Advance(TimeSpan.FromSeconds(9));
        Assert.False(stopping.IsCompleted);
        host.TimeProvider.Advance(TimeSpan.FromSeconds(1));
        await stopping;
        await worker.StartAsync(Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal("again!", result.ReadOutputAs<string>());
        Assert.Equal(2, runs);
    }

    private static DurableTaskWorker Worker(DurableTestHost host)
        => host.Services.GetServices<IHostedService>().OfType<DurableTaskWorker>().Single();
}
