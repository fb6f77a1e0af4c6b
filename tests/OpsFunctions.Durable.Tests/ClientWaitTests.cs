using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moq;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Durable.Worker;

namespace OpsFunctions.Durable.Tests;

/// <summary>
/// How a waiting client reads the store: not while this process holds the instance's work, since the worker here
/// announces each commit with the record it wrote; again as soon as it does not.
/// </summary>
public sealed class ClientWaitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WaitForInstanceCompletion_WhileThisProcessHoldsTheWork_ReadsOnlyWhenItNoLongerDoes()
    {
        var time = new FakeTimeProvider();
        var holds = true;
        var reads = 0;
        var looked = new SemaphoreSlim(0);
        var store = new Mock<IDurableStore>();
        store.As<ILocalWorkStore>().Setup(s => s.HoldsWorkFor("a")).Returns(() =>
        {
            looked.Release();
            return holds;
        });
        store.Setup(s => s.GetInstanceAsync("a", It.IsAny<bool>(), It.IsAny<CancellationToken>())).ReturnsAsync(() =>
        {
            Interlocked.Increment(ref reads);
            looked.Release();
            return new InstanceRecord("a", "Flow") { Status = holds ? OrchestrationRuntimeStatus.Running : OrchestrationRuntimeStatus.Completed };
        });
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.AddDurableTask();
        services.AddSingleton(store.Object);
        await using var provider = services.BuildServiceProvider();

        var waiting = provider.GetRequiredService<DurableTaskClient>().WaitForInstanceCompletionAsync("a", cancellation: Ct);
        for (var look = 0; look < 10; look++)
        {
            await NextLookAsync(time, looked);
        }

        Assert.Equal(0, Volatile.Read(ref reads));
        Assert.False(waiting.IsCompleted);

        holds = false;
        await NextLookAsync(time, looked);
        var done = await waiting.WaitAsync(Eventually.Patience, Ct);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(1, Volatile.Read(ref reads));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WaitForInstanceCompletion_CommitAnnouncedHere_ReturnsTheCommittedRecordWithoutARead(bool getInputsAndOutputs)
    {
        var store = new Mock<IDurableStore>(MockBehavior.Strict);
        store.As<ILocalWorkStore>().Setup(s => s.HoldsWorkFor("a")).Returns(true);
        var services = new ServiceCollection().AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddDurableTask();
        services.AddSingleton(store.Object);
        await using var provider = services.BuildServiceProvider();
        var notifier = provider.GetRequiredService<InstanceChangeNotifier>();
        var waiting = provider.GetRequiredService<DurableTaskClient>().WaitForInstanceCompletionAsync("a", getInputsAndOutputs, Ct);

        notifier.Notify(new InstanceRecord("a", "Flow") { Status = OrchestrationRuntimeStatus.Running, Input = "1" });
        notifier.Notify(new InstanceRecord("a", "Flow") { Status = OrchestrationRuntimeStatus.Completed, Input = "1", Output = "42" });
        var done = await waiting.WaitAsync(Eventually.Patience, Ct);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(getInputsAndOutputs ? "42" : null, done.SerializedOutput);
        Assert.Equal(getInputsAndOutputs ? "1" : null, done.SerializedInput);
        store.Verify(s => s.GetInstanceAsync(It.IsAny<string>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    /// <summary>Moves the fake clock until the client next reads the store or asks whether the work is held here.</summary>
    private static async Task NextLookAsync(FakeTimeProvider time, SemaphoreSlim looked)
    {
        // The client's next look is due at a time only it knows: move the clock on a second at a time until it looks.
        var started = TimeProvider.System.GetTimestamp();
        while (!await looked.WaitAsync(TimeSpan.FromMilliseconds(5), Ct))
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < Eventually.Patience, "The waiting client stopped looking at the instance.");
            time.Advance(TimeSpan.FromSeconds(1));
        }
    }
}
