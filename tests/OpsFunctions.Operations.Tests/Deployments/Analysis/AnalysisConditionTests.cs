using OpsFunctions.Operations.Deployments.Analysis;

namespace OpsFunctions.Operations.Tests.Deployments.Analysis;

public sealed class AnalysisConditionTests
{
    [Theory]
    [InlineData("result > 0.05", 0.06, true)]
    [InlineData("result > 0.05", 0.05, false)]
    [InlineData("result >= 0.05", 0.05, true)]
    [InlineData("result < 2", 1.5, true)]
    [InlineData("result <= 2", 2.5, false)]
    [InlineData("result == 1", 1, true)]
    [InlineData("result != 1", 1, false)]
    [InlineData("result[0] < 0.05", 0.01, true)]
    [InlineData("result > 1e-3", 0.002, true)]
    [InlineData("result > .5", 0.6, true)]
    [InlineData("-result < -1", 2, true)]
    public void Evaluate_Comparison_ComparesTheResult(string condition, double result, bool expected)
        => Assert.Equal(expected, AnalysisCondition.Parse(condition).Evaluate(result));

    [Theory]
    [InlineData("1 + 2 * 3 == 7", true)]
    [InlineData("(1 + 2) * 3 == 9", true)]
    [InlineData("8 / 4 / 2 == 1", true)]
    [InlineData("10 - 4 - 3 == 3", true)]
    [InlineData("-2 * -3 == 6", true)]
    [InlineData("result > 1 || result < 0 && result > 5", false)]
    public void Evaluate_Arithmetic_FollowsPrecedence(string condition, bool expected)
        => Assert.Equal(expected, AnalysisCondition.Parse(condition).Evaluate(0.5));

    [Theory]
    [InlineData("result > 1 or result < 0 and result > 5", 2, true)]
    [InlineData("(result > 1 or result < 0) and result > 5", 2, false)]
    [InlineData("result > 1 || result < 0 && result > 5", 2, true)]
    [InlineData("not result > 1", 2, false)]
    [InlineData("!result > 1", 0.5, true)]
    [InlineData("!(result > 1) && result > 0", 0.5, true)]
    [InlineData("not not result > 1", 2, true)]
    [InlineData("result > 1 and not result > 3", 2, true)]
    [InlineData("result>1&&result<3", 2, true)]
    public void Evaluate_Logic_WordsAndSymbolsAlike(string condition, double result, bool expected)
        => Assert.Equal(expected, AnalysisCondition.Parse(condition).Evaluate(result));

    [Theory]
    [InlineData("result / baseline > 1.2", 1.3, 1.0, true)]
    [InlineData("(baseline - result) / baseline > 0.3", 60, 100, true)]
    [InlineData("(baseline - result) / baseline > 0.3", 80, 100, false)]
    [InlineData("result > baseline * 1.1 + 0.01", 0.2, 0.1, true)]
    public void Evaluate_Baseline_IsTheSecondVariable(string condition, double result, double baseline, bool expected)
    {
        var parsed = AnalysisCondition.Parse(condition);

        Assert.True(parsed.UsesBaseline);
        Assert.Equal(expected, parsed.Evaluate(result, baseline));
    }

    [Fact]
    public void Evaluate_DivisionByZero_IsInfinityAndCompares()
    {
        var condition = AnalysisCondition.Parse("result / baseline > 1000");

        Assert.True(condition.Evaluate(1, 0));
        Assert.False(AnalysisCondition.Parse("-result / baseline > 0").Evaluate(1, 0));
    }

    [Fact]
    public void Evaluate_ZeroDividedByZero_IsUndecided()
        => Assert.Null(AnalysisCondition.Parse("result / baseline > 0.3").Evaluate(0, 0));

    [Theory]
    [InlineData("result > 1", null)]
    [InlineData("not result > 1", null)]
    [InlineData("result > 1 and 1 > 2", false)]
    [InlineData("result > 1 or 2 > 1", true)]
    [InlineData("result > 1 or 1 > 2", null)]
    [InlineData("result > 1 and 2 > 1", null)]
    public void Evaluate_NaN_IsUndecidedUnlessTheOtherSideDecides(string condition, bool? expected)
        => Assert.Equal(expected, AnalysisCondition.Parse(condition).Evaluate(double.NaN));

    [Fact]
    public void Evaluate_BaselineNotGiven_IsNaNAndUndecided()
    {
        var condition = AnalysisCondition.Parse("result > baseline");

        Assert.Null(condition.Evaluate(1));
        Assert.False(AnalysisCondition.Parse("result > 1").UsesBaseline);
    }

    [Theory]
    [InlineData("", "empty condition at 1")]
    [InlineData("result > ", "unexpected end of condition at 10")]
    [InlineData("result > 0.05)", "unexpected ')' at 14")]
    [InlineData("(result > 0.05", "missing ')' at 15")]
    [InlineData("result = 1", "unexpected '=' (did you mean '=='?) at 8")]
    [InlineData("result > 1 & result < 2", "unexpected '&' (did you mean '&&'?) at 12")]
    [InlineData("result > 1 | result < 2", "unexpected '|' (did you mean '||'?) at 12")]
    [InlineData("result > $1", "unexpected '$' at 10")]
    [InlineData("rezult > 1", "unknown name 'rezult' (use result, baseline, and, or, not) at 1")]
    [InlineData("result", "a condition must compare, such as 'result > 0.05' at 1")]
    [InlineData("1 + 2", "a condition must compare, such as 'result > 0.05' at 3")]
    [InlineData("0 < result < 1", "comparisons do not chain: use 'and' before '<' at 12")]
    [InlineData("result && result > 1", "'&&' needs comparisons on both sides at 1")]
    [InlineData("result > 1 or 2", "'or' needs comparisons on both sides at 15")]
    [InlineData("not result", "'not' needs a comparison after it at 5")]
    [InlineData("(result > 1) + 1 > 2", "'+' needs numbers on both sides at 9")]
    [InlineData("result[1] > 0", "only [0] may follow result or baseline (a measurement has one value) at 8")]
    [InlineData("result > 1.2.3", "bad number '1.2.3' at 10")]
    [InlineData("result > 1 1", "unexpected '1' at 12")]
    public void Parse_BadSyntax_NamesWhatAndWhere(string condition, string expected)
    {
        var exception = Assert.Throws<ConditionSyntaxException>(() => AnalysisCondition.Parse(condition));

        Assert.Equal(expected, exception.Message);
        Assert.False(AnalysisCondition.TryParse(condition, out var parsed, out var error));
        Assert.Null(parsed);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Parse_TheSameText_ReturnsTheConditionParsedBefore()
        => Assert.Same(AnalysisCondition.Parse("result > 42.5"), AnalysisCondition.Parse("result > 42.5"));
}
