using OpsFunctions.Operations.Deployments;
using OpsFunctions.Operations.Deployments.Analysis;

namespace OpsFunctions.Operations.Tests.Deployments.Analysis;

public sealed class AnalysisMeasurementRulesTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 5, 8, 1, 0, TimeSpan.Zero);

    private static AnalysisTemplate CreateSut(string? success, string? failure, bool baseline = false) => new()
    {
        Name = "t",
        Query = "q",
        SuccessCondition = success,
        FailureCondition = failure,
        CompareWithBaseline = baseline,
    };

    [Theory]
    // Both set: failure wins, then success, else inconclusive.
    [InlineData("result < 0.01", "result > 0.05", 0.005, MeasurementPhase.Successful)]
    [InlineData("result < 0.01", "result > 0.05", 0.1, MeasurementPhase.Failed)]
    [InlineData("result < 0.01", "result > 0.05", 0.03, MeasurementPhase.Inconclusive)]
    [InlineData("result > 0", "result > 0.05", 0.1, MeasurementPhase.Failed)]
    // Only success: holds or fails.
    [InlineData("result < 0.05", null, 0.01, MeasurementPhase.Successful)]
    [InlineData("result < 0.05", null, 0.06, MeasurementPhase.Failed)]
    // Only failure: fails or holds.
    [InlineData(null, "result > 0.05", 0.06, MeasurementPhase.Failed)]
    [InlineData(null, "result > 0.05", 0.01, MeasurementPhase.Successful)]
    // Neither: successful (templates from code only; configuration requires one).
    [InlineData(null, null, 123, MeasurementPhase.Successful)]
    public void Evaluate_Conditions_FollowArgo(string? success, string? failure, double value, MeasurementPhase expected)
    {
        var measurement = MeasurementRules.Evaluate(CreateSut(success, failure), At, value);

        Assert.Equal(expected, measurement.Phase);
        Assert.Equal((At, value), (measurement.At, measurement.Value));
    }

    [Theory]
    [InlineData("result < 0.05", null)]
    [InlineData(null, "result > 0.05")]
    [InlineData("result < 0.01", "result > 0.05")]
    public void Evaluate_NaN_IsInconclusiveWithoutAValue(string? success, string? failure)
    {
        var measurement = MeasurementRules.Evaluate(CreateSut(success, failure), At, double.NaN);

        Assert.Equal(MeasurementPhase.Inconclusive, measurement.Phase);
        Assert.Null(measurement.Value);
        Assert.Equal("the result is NaN (result NaN)", measurement.Message);
    }

    [Fact]
    public void Evaluate_Infinity_IsAValueThatCompares()
    {
        var measurement = MeasurementRules.Evaluate(CreateSut(null, "result > 2"), At, double.PositiveInfinity);

        Assert.Equal(MeasurementPhase.Failed, measurement.Phase);
        Assert.Null(measurement.Value);
        Assert.Equal("failure condition 'result > 2' held (result Infinity)", measurement.Message);
    }

    [Fact]
    public void Evaluate_Failed_SaysWhichConditionAndTheValues()
    {
        var measurement = MeasurementRules.Evaluate(CreateSut(null, "result > 0.05"), At, 0.2, requests: 500);

        Assert.Equal("failure condition 'result > 0.05' held (result 0.2)", measurement.Message);
        Assert.Equal(500, measurement.Requests);
    }

    [Theory]
    [InlineData(60, 100, MeasurementPhase.Failed)]
    [InlineData(75, 100, MeasurementPhase.Successful)]
    [InlineData(150, 100, MeasurementPhase.Successful)]
    [InlineData(0, 0, MeasurementPhase.Inconclusive)]
    public void Evaluate_Baseline_ComparesWithTheStable(double value, double baseline, MeasurementPhase expected)
    {
        var measurement = MeasurementRules.Evaluate(CreateSut(null, "(baseline - result) / baseline > 0.3", baseline: true), At, value, baseline);

        Assert.Equal(expected, measurement.Phase);
        Assert.Equal(baseline, measurement.Baseline);
    }

    [Fact]
    public void Evaluate_BaselineNaN_IsInconclusive()
    {
        var measurement = MeasurementRules.Evaluate(CreateSut("result <= baseline * 1.1", null, baseline: true), At, 0.5, double.NaN);

        Assert.Equal(MeasurementPhase.Inconclusive, measurement.Phase);
        Assert.StartsWith("the baseline is NaN", measurement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ConditionReadsBaselineButNoneGiven_IsInconclusive()
    {
        var measurement = MeasurementRules.Evaluate(CreateSut("result <= baseline", null), At, 0.5);

        Assert.Equal((MeasurementPhase.Inconclusive, "no baseline to compare with (result 0.5)"), (measurement.Phase, measurement.Message));
    }

    [Fact]
    public void Evaluate_UndecidedSuccessCondition_IsInconclusiveNotFailed()
    {
        var measurement = MeasurementRules.Evaluate(CreateSut("result / 0 < 1", null), At, 0);

        Assert.Equal(MeasurementPhase.Inconclusive, measurement.Phase);
    }

    [Fact]
    public void TooFewRequests_IsInconclusiveNamingBothNumbers()
    {
        var measurement = MeasurementRules.TooFewRequests(At, 3, 50);

        Assert.Equal((MeasurementPhase.Inconclusive, 3.0, "too few requests (3 < 50)"), (measurement.Phase, measurement.Requests, measurement.Message));
        Assert.Null(measurement.Value);
    }
}
