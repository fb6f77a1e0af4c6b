using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpsFunctions.Durable.History;
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
        await using var host = await CreateSut(
            tasks => tasks
                .AddActivityFunc<string, string>("Slow", async (context, input) =>
                {
                    Interlocked.Increment(ref runs);
                    entered.TrySetResult();
                    await release.Task;
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

        Assert.Equal("done!", result.ReadOutputAs<string>());
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task StopAsync_ActivityOutlivesGracePeriod_IsLeftBehindAndRedelivered()
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
                        // Ignores every cancellation: the worker must hand its work item back anyway.
                        await Task.Delay(Timeout.InfiniteTimeSpan, CancellationToken.None);
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

    [Fact]
    public async Task ApplicationStopping_ActivityObservingIt_IsHandedBackNotFailed()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopping = CancellationToken.None;
        var runs = 0;
        await using var host = await CreateSut(
            tasks => tasks
                .AddActivityFunc<string, string>("Polite", async (context, input) =>
                {
                    Interlocked.Increment(ref runs);
                    entered.TrySetResult();
                    await Task.Delay(Timeout.InfiniteTimeSpan, stopping);
                    return input + "!";
                })
                .AddOrchestratorFunc<string, string>("Flow", (context, input) => context.CallActivityAsync<string>("Polite", input)),
            engine => engine.ShutdownGracePeriod = TimeSpan.FromMinutes(1));
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        stopping = lifetime.ApplicationStopping;
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Flow", "kept", cancellation: Cancellation);
        await entered.Task.WaitAsync(Cancellation);

        lifetime.StopApplication();
        var handedBack = await Eventually.ReturnsAsync(
            () => host.Store.TryLockActivityAsync(TimeSpan.FromMinutes(1), Cancellation), "the cancelled activity to be handed back");

        // The worker takes no activity once the host is stopping: the next host runs it.
        Assert.Equal("Polite", handedBack.Message.Name);
        Assert.Equal(1, runs);
        Assert.DoesNotContain(await host.Store.ReadHistoryAsync(id, Cancellation), e => e is TaskFailed);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(id, cancellation: Cancellation))!.RuntimeStatus);
    }

    private static StoreDurableTaskWorker Worker(DurableTestHost host)
        => host.Services.GetServices<IHostedService>().OfType<StoreDurableTaskWorker>().Single();
}
