using OpsFunctions.Operations.Deployments;
using OpsFunctions.Operations.Deployments.Analysis;

namespace OpsFunctions.Operations.Tests.Deployments.Analysis;

public sealed class AnalysisRunTests
{
    private static AnalysisTemplate CreateSut(int? count = 5, int failureLimit = 0, int inconclusiveLimit = 0, int consecutiveErrorLimit = 4) => new()
    {
        Name = "t",
        Query = "q",
        FailureCondition = "result > 1",
        Count = count,
        FailureLimit = failureLimit,
        InconclusiveLimit = inconclusiveLimit,
        ConsecutiveErrorLimit = consecutiveErrorLimit,
    };

    /// <summary>S successful, F failed, I inconclusive, E error.</summary>
    private static List<Measurement> Run(string phases) => [.. phases.Select((c, i) => new Measurement(
        DurableTestTimes.Start.AddMinutes(i + 1),
        c switch { 'S' => MeasurementPhase.Successful, 'F' => MeasurementPhase.Failed, 'I' => MeasurementPhase.Inconclusive, _ => MeasurementPhase.Error }))];

    [Theory]
    [InlineData("", AnalysisPhase.Running)]
    [InlineData("SSSS", AnalysisPhase.Running)]
    [InlineData("SSSSS", AnalysisPhase.Successful)]
    [InlineData("SSSSSS", AnalysisPhase.Successful)]
    [InlineData("F", AnalysisPhase.Failed)]
    [InlineData("SSSSF", AnalysisPhase.Failed)]
    [InlineData("I", AnalysisPhase.Inconclusive)]
    [InlineData("SEESS", AnalysisPhase.Successful)]
    public void Phase_DefaultLimits(string phases, AnalysisPhase expected)
        => Assert.Equal(expected, AnalysisRun.Phase(CreateSut(), Run(phases)).Phase);

    [Theory]
    [InlineData("F", AnalysisPhase.Running)]
    [InlineData("FSSS", AnalysisPhase.Running)]
    [InlineData("FSSSS", AnalysisPhase.Successful)]
    [InlineData("FF", AnalysisPhase.Failed)]
    [InlineData("FSSSF", AnalysisPhase.Failed)]
    public void Phase_FailureLimitOne_ToleratesOneFailure(string phases, AnalysisPhase expected)
        => Assert.Equal(expected, AnalysisRun.Phase(CreateSut(failureLimit: 1), Run(phases)).Phase);

    [Theory]
    [InlineData("II", AnalysisPhase.Running)]
    [InlineData("IISSS", AnalysisPhase.Successful)]
    [InlineData("IIS I", AnalysisPhase.Inconclusive)]
    public void Phase_InconclusiveLimitTwo_ToleratesTwo(string phases, AnalysisPhase expected)
        => Assert.Equal(expected, AnalysisRun.Phase(CreateSut(count: 5, inconclusiveLimit: 2), Run(phases.Replace(" ", "", StringComparison.Ordinal))).Phase);

    [Fact]
    public void Phase_FailedAndInconclusiveBothOverTheirLimits_IsFailed()
        => Assert.Equal(AnalysisPhase.Failed, AnalysisRun.Phase(CreateSut(), Run("IF")).Phase);

    [Fact]
    public void Phase_FourErrorsInARow_IsStillRunning()
        => Assert.Equal(AnalysisPhase.Running, AnalysisRun.Phase(CreateSut(count: 10), Run("EEEE")).Phase);

    [Fact]
    public void Phase_FiveErrorsInARow_FailsNamingTheLimit()
    {
        var (phase, message) = AnalysisRun.Phase(CreateSut(count: 10), Run("SEEEEE"));

        Assert.Equal(AnalysisPhase.Failed, phase);
        Assert.Equal("5 errors in a row > consecutiveErrorLimit 4; 6 of 10 measurements: 1 successful, 5 errors", message);
    }

    [Fact]
    public void Phase_ErrorsResetBySuccess_NeverFail()
        => Assert.Equal(AnalysisPhase.Running, AnalysisRun.Phase(CreateSut(count: 20), Run("EEEESEEEEIEEEE".Replace('I', 'S'))).Phase);

    [Fact]
    public void Phase_FiveErrorsCountTowardsTheCount_WithLimitFive_IsSuccessful()
        => Assert.Equal(AnalysisPhase.Successful, AnalysisRun.Phase(CreateSut(consecutiveErrorLimit: 5), Run("EEEEE")).Phase);

    [Fact]
    public void Phase_ConsecutiveErrorLimitZero_FailsOnTheFirstError()
        => Assert.Equal(AnalysisPhase.Failed, AnalysisRun.Phase(CreateSut(consecutiveErrorLimit: 0), Run("SE")).Phase);

    [Fact]
    public void Phase_NoCount_RunsUntilALimitIsCrossed()
    {
        var template = CreateSut(count: null);

        Assert.Equal((AnalysisPhase.Running, "300 measurements: 300 successful"), AnalysisRun.Phase(template, Run(new string('S', 300))));
        Assert.Equal(AnalysisPhase.Failed, AnalysisRun.Phase(template, Run(new string('S', 300) + "F")).Phase);
    }

    [Fact]
    public void Phase_Inconclusive_SaysAPersonDecides()
        => Assert.Equal(
            "1 inconclusive > inconclusiveLimit 0: a person decides; 2 of 5 measurements: 1 successful, 1 inconclusive",
            AnalysisRun.Phase(CreateSut(), Run("SI")).Message);

    [Fact]
    public void Tally_CountsWhatTheListGives()
    {
        var tally = AnalysisTally.Of(Run("SFIEE"));

        Assert.Equal((5, 1, 1, 1, 2, 2), (tally.Taken, tally.Successful, tally.Failed, tally.Inconclusive, tally.Errors, tally.ConsecutiveErrors));
        Assert.Equal(0, tally.Add(MeasurementPhase.Successful).ConsecutiveErrors);
    }
}

internal static class DurableTestTimes
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
}
