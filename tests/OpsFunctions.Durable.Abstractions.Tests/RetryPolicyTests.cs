namespace OpsFunctions.Durable.Abstractions.Tests;

public sealed class RetryPolicyTests
{
    [Fact]
    public void GetDelay_Exponential_GrowsAndCaps()
    {
        var policy = new RetryPolicy(10, TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(5));

        Assert.Equal(
            new[] { 1d, 2, 4, 5, 5 },
            Enumerable.Range(1, 5).Select(i => policy.GetDelay(i).TotalSeconds));
    }

    [Theory]
    [InlineData(0, 1, 1.0)]
    [InlineData(1, 0, 1.0)]
    [InlineData(1, 1, 0.5)]
    public void Constructor_OutOfRange_Throws(int attempts, int firstSeconds, double coefficient)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(attempts, TimeSpan.FromSeconds(firstSeconds), coefficient));
}
