using OpsFunctions.Durable;
using OpsFunctions.Operations.Durability;
using OpsFunctions.Testing.Hosting;

namespace OpsFunctions.Host.Tests;

public sealed class OnceGateTests
{
    private static readonly TimeSpan Hold = TimeSpan.FromHours(24);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TryClaimAsync_SameKeyWithinHold_SecondLosesAndSeesTheFirstReference()
    {
        await using var host = await CreateSut();
        var gate = new OnceGate(host.Client, host.TimeProvider);

        var first = await gate.TryClaimAsync("delivery", "d-1", Hold, "instance-a", Cancellation);
        var second = await gate.TryClaimAsync("delivery", "d-1", Hold, "instance-b", Cancellation);
        var otherScope = await gate.TryClaimAsync("approval", "d-1", Hold, "instance-c", Cancellation);

        Assert.Equal(new OnceClaim(true, "instance-a"), first);
        Assert.Equal(new OnceClaim(false, "instance-a"), second);
        Assert.True(otherScope.Claimed);
        Assert.True(await gate.IsClaimedAsync("delivery", "d-1", Cancellation));
    }

    [Fact]
    public async Task TryClaimAsync_AfterTheHold_ClaimsAgain()
    {
        await using var host = await CreateSut();
        var gate = new OnceGate(host.Client, host.TimeProvider);
        await gate.TryClaimAsync("delivery", "d-2", Hold, "first", Cancellation);

        await host.AdvanceTimeAsync(Hold + TimeSpan.FromSeconds(1), Cancellation);
        var marker = await host.Client.GetInstanceAsync(OnceGate.MarkerId("delivery", "d-2"), cancellation: Cancellation);
        var again = await gate.TryClaimAsync("delivery", "d-2", Hold, "second", Cancellation);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, marker!.RuntimeStatus);
        Assert.Equal(new OnceClaim(true, "second"), again);
    }

    [Fact]
    public async Task ReleaseAsync_ClaimedKey_CanBeClaimedAgainAtOnce()
    {
        await using var host = await CreateSut();
        var gate = new OnceGate(host.Client, host.TimeProvider);
        await gate.TryClaimAsync("delivery", "d-3", Hold, "failed-start", Cancellation);

        await gate.ReleaseAsync("delivery", "d-3", Cancellation);
        var again = await gate.TryClaimAsync("delivery", "d-3", Hold, "retry", Cancellation);

        Assert.Equal(new OnceClaim(true, "retry"), again);
        Assert.False(await gate.IsClaimedAsync("delivery", "d-4", Cancellation));
    }

    [Fact]
    public void MarkerId_CallerSuppliedKey_IsFixedLengthAndSafe()
    {
        var id = OnceGate.MarkerId("delivery", "a/b?c#d " + new string('x', 500));

        Assert.StartsWith("once-delivery-", id, StringComparison.Ordinal);
        Assert.Equal("once-delivery-".Length + 40, id.Length);
        Assert.DoesNotContain('/', id);
    }

    private static Task<DurableTestHost> CreateSut()
        => DurableTestHost.StartAsync(tasks => tasks.AddOrchestrator<OnceMarker>(), cancellationToken: Cancellation);
}
