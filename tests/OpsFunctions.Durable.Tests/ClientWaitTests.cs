using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moq;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Tests;

/// <summary>
/// How a waiting client reads the store: not while this process holds the instance's work, since the worker here
/// announces the commit; again as soon as it does not.
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

        Assert.Equal(1, Volatile.Read(ref reads));
        Assert.False(waiting.IsCompleted);

        holds = false;
        await NextLookAsync(time, looked);
        var done = await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(2, Volatile.Read(ref reads));
    }

    /// <summary>Moves the fake clock until the client next reads the store or asks whether the work is held here.</summary>
    private static async Task NextLookAsync(FakeTimeProvider time, SemaphoreSlim looked)
    {
        for (var advances = 0; !await looked.WaitAsync(TimeSpan.FromMilliseconds(5), Ct); advances++)
        {
            Assert.True(advances < 1_000, "The waiting client stopped looking at the instance.");
            time.Advance(TimeSpan.FromSeconds(1));
        }
    }
}
