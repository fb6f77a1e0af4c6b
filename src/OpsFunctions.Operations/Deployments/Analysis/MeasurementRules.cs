using System.Globalization;

namespace OpsFunctions.Operations.Deployments.Analysis;

/// <summary>How one measurement comes out of its values: Argo Rollouts' rules, plus the minimum request count and NaN.</summary>
/// <remarks>
/// <list type="number">
/// <item>Fewer canary requests in the window than <see cref="AnalysisTemplate.MinRequests"/>: Inconclusive, never Failed
/// (a canary without traffic waits for a person).</item>
/// <item>A NaN value (Prometheus' 0/0, such as an error rate without requests), or a NaN baseline read by a condition:
/// Inconclusive. (No series at all is an Error, "no data", decided before the rules.) Infinities are values.</item>
/// <item>Both conditions set: the failure condition holding → Failed (it wins when both hold), else the success
/// condition holding → Successful, else Inconclusive.</item>
/// <item>Only a success condition: it holds → Successful, else Failed. Only a failure condition: it holds → Failed, else
/// Successful. Neither (only templates given in code; configuration requires one): Successful.</item>
/// <item>A condition that is undecided (<see cref="AnalysisCondition.Evaluate"/> gives null) decides nothing: with
/// nothing else deciding, Inconclusive.</item>
/// </list>
/// </remarks>
public static class MeasurementRules
{
    /// <summary>The measurement of a canary that served too few requests in the window.</summary>
    public static Measurement TooFewRequests(DateTimeOffset at, double requests, double minimum)
        => new(at, MeasurementPhase.Inconclusive, Requests: requests, Message: $"too few requests ({Format(requests)} < {Format(minimum)})");

    /// <summary>Judges <paramref name="value"/> (and <paramref name="baseline"/>) by the template's conditions.</summary>
    /// <exception cref="ConditionSyntaxException">A condition does not parse (configured templates are validated at start-up).</exception>
    public static Measurement Evaluate(AnalysisTemplate template, DateTimeOffset at, double value, double? baseline = null, double? requests = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        var success = Parse(template.SuccessCondition);
        var failure = Parse(template.FailureCondition);
        var values = Describe(value, baseline);
        Measurement Result(MeasurementPhase phase, string message)
            => new(at, phase, Finite(value), baseline is { } b ? Finite(b) : null, requests, $"{message} ({values})");

        if (double.IsNaN(value))
        {
            return Result(MeasurementPhase.Inconclusive, "the result is NaN");
        }

        var readsBaseline = success?.UsesBaseline == true || failure?.UsesBaseline == true;
        if (readsBaseline && (baseline is null || double.IsNaN(baseline.Value)))
        {
            return Result(MeasurementPhase.Inconclusive, baseline is null ? "no baseline to compare with" : "the baseline is NaN");
        }

        var b = baseline ?? double.NaN;
        var succeeded = success?.Evaluate(value, b);
        var failed = failure?.Evaluate(value, b);
        switch (success, failure)
        {
            case (null, null):
                return Result(MeasurementPhase.Successful, "no condition to judge by");
            case ({ }, null):
                return succeeded switch
                {
                    true => Result(MeasurementPhase.Successful, $"success condition '{success.Text}' held"),
                    false => Result(MeasurementPhase.Failed, $"success condition '{success.Text}' did not hold"),
                    null => Result(MeasurementPhase.Inconclusive, $"success condition '{success.Text}' is undecided (NaN)"),
                };
            case (null, { }):
                return failed switch
                {
                    true => Result(MeasurementPhase.Failed, $"failure condition '{failure.Text}' held"),
                    false => Result(MeasurementPhase.Successful, $"failure condition '{failure.Text}' did not hold"),
                    null => Result(MeasurementPhase.Inconclusive, $"failure condition '{failure.Text}' is undecided (NaN)"),
                };
            default:
                return failed == true ? Result(MeasurementPhase.Failed, $"failure condition '{failure!.Text}' held")
                    : succeeded == true ? Result(MeasurementPhase.Successful, $"success condition '{success!.Text}' held")
                    : Result(MeasurementPhase.Inconclusive, $"neither '{success!.Text}' nor '{failure!.Text}' held");
        }
    }

    /// <summary>A number for people: up to 6 significant digits, invariant.</summary>
    public static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static AnalysisCondition? Parse(string? condition) => string.IsNullOrWhiteSpace(condition) ? null : AnalysisCondition.Parse(condition);

    // JSON cannot carry NaN or infinities: the record keeps finite values, the message tells the rest.
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static string Describe(double value, double? baseline)
        => baseline is { } b ? $"result {Format(value)}, baseline {Format(b)}" : $"result {Format(value)}";
}
