using OpsFunctions.Operations.Deployments;

namespace OpsFunctions.Operations.Tests.Deployments;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("250ms", 250)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2d", 172_800_000)]
    [InlineData("00:05:00", 300_000)]
    [InlineData(" 10s ", 10_000)]
    public void TryParse_ReadsWhatPeopleWrite(string text, long milliseconds)
    {
        Assert.True(DurationText.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5 minutes")]
    [InlineData("m5")]
    [InlineData("-5m")]
    [InlineData("-00:05:00")]
    [InlineData("5x")]
    public void TryParse_RefusesTheRest(string? text)
        => Assert.False(DurationText.TryParse(text, out _));

    [Theory]
    [InlineData(300_000, "5m")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(45_000, "45s")]
    [InlineData(250, "250ms")]
    [InlineData(1_500, "1.5s")]
    public void Format_WritesTheShortestForm_ThatParsesBack(long milliseconds, string expected)
    {
        var text = DurationText.Format(TimeSpan.FromMilliseconds(milliseconds));

        Assert.Equal(expected, text);
        Assert.True(DurationText.TryParse(text, out var back));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), back);
    }
}
