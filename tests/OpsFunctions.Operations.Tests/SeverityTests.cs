using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests;

public sealed class SeverityTests
{
    [Theory]
    [InlineData("critical", Severity.Critical)]
    [InlineData("CRITICAL", Severity.Critical)]
    [InlineData("high", Severity.High)]
    [InlineData("error", Severity.High)]
    [InlineData("warning", Severity.Medium)]
    [InlineData(" Warning ", Severity.Medium)]
    [InlineData("info", Severity.Low)]
    [InlineData("medium", Severity.Medium)]
    [InlineData("low", Severity.Low)]
    public void FromLabel_KnownValue_Maps(string label, Severity expected)
    {
        Assert.True(SeverityLabels.TryParse(label, out var severity));
        Assert.Equal(expected, severity);
        Assert.Equal(expected, SeverityLabels.FromLabel(label));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("page")]
    [InlineData("sev1")]
    public void FromLabel_MissingOrUnknown_IsTheDocumentedDefault(string? label)
    {
        Assert.False(SeverityLabels.TryParse(label, out _));
        Assert.Equal(Severity.High, SeverityLabels.FromLabel(label));
        Assert.Equal(SeverityLabels.Default, SeverityLabels.FromLabel(label));
    }

    [Fact]
    public void FromLabels_LabelSet_ReadsTheSeverityLabel()
    {
        Assert.Equal(Severity.Medium, SeverityLabels.FromLabels(new Dictionary<string, string> { ["severity"] = "warning" }));
        Assert.Equal(SeverityLabels.Default, SeverityLabels.FromLabels(new Dictionary<string, string> { ["alertname"] = "x" }));
    }
}
