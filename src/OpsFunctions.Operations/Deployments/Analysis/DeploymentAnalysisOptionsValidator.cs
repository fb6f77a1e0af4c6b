using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace OpsFunctions.Operations.Deployments.Analysis;

/// <summary>
/// Validates <see cref="DeploymentAnalysisOptions"/> at start-up; each failure names the configuration key, e.g.
/// <c>Deployments:AnalysisTemplates:slow:SuccessCondition: unexpected ')' at 12</c>.
/// </summary>
public sealed partial class DeploymentAnalysisOptionsValidator : IValidateOptions<DeploymentAnalysisOptions>
{
    public ValidateOptionsResult Validate(string? name, DeploymentAnalysisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var metrics = $"{AnalysisConstants.SectionName}:Metrics";
        RequireMatch(failures, $"{metrics}:RequestsMetric", options.Metrics.RequestsMetric, MetricName(), "a Prometheus metric name");
        RequireMatch(failures, $"{metrics}:DurationMetric", options.Metrics.DurationMetric, MetricName(), "a Prometheus metric name");
        RequireMatch(failures, $"{metrics}:StatusLabel", options.Metrics.StatusLabel, LabelName(), "a Prometheus label name");

        var builtIns = BuiltInAnalysisTemplates.Create(options.Metrics);
        foreach (var (templateName, template) in options.AnalysisTemplates.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var prefix = $"{AnalysisConstants.SectionName}:AnalysisTemplates:{templateName}";
            if (template is null)
            {
                failures.Add($"{prefix} must be a template with a Query and a SuccessCondition or FailureCondition");
                continue;
            }

            var builtIn = builtIns.GetValueOrDefault(templateName);
            if (string.IsNullOrWhiteSpace(template.Query) && builtIn is null)
            {
                failures.Add($"{prefix}:Query is required (PromQL giving one value, with {AnalysisConstants.SelectorPlaceholder} and {AnalysisConstants.WindowPlaceholder})");
            }

            var replacesConditions = !string.IsNullOrWhiteSpace(template.SuccessCondition) || !string.IsNullOrWhiteSpace(template.FailureCondition);
            if (!replacesConditions && builtIn is null)
            {
                // Argo would take every measurement as Successful; for a gate that is almost always a typo'd key.
                failures.Add($"{prefix} needs a SuccessCondition or a FailureCondition (or both)");
            }

            Condition(failures, $"{prefix}:SuccessCondition", template.SuccessCondition);
            Condition(failures, $"{prefix}:FailureCondition", template.FailureCondition);
            if (template.Interval is { } interval && interval <= TimeSpan.Zero)
            {
                failures.Add($"{prefix}:Interval must be positive");
            }

            if (template.Count is <= 0)
            {
                failures.Add($"{prefix}:Count must be positive");
            }

            NotNegative(failures, $"{prefix}:FailureLimit", template.FailureLimit);
            NotNegative(failures, $"{prefix}:InconclusiveLimit", template.InconclusiveLimit);
            NotNegative(failures, $"{prefix}:ConsecutiveErrorLimit", template.ConsecutiveErrorLimit);
            if (template.MinRequests is < 0 || template.MinRequests is { } min && !double.IsFinite(min))
            {
                failures.Add($"{prefix}:MinRequests must be zero or more");
            }

            if (!string.IsNullOrWhiteSpace(template.Window) && !Duration().IsMatch(template.Window))
            {
                failures.Add($"{prefix}:Window must be a Prometheus duration such as 1m, 90s or 1h30m, not '{template.Window}'");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Condition(List<string> failures, string key, string? condition)
    {
        if (!string.IsNullOrWhiteSpace(condition) && !AnalysisCondition.TryParse(condition, out _, out var error))
        {
            failures.Add($"{key}: {error}");
        }
    }

    private static void NotNegative(List<string> failures, string key, int? value)
    {
        if (value is < 0)
        {
            failures.Add($"{key} must be zero or more");
        }
    }

    private static void RequireMatch(List<string> failures, string key, string? value, Regex pattern, string what)
    {
        if (string.IsNullOrWhiteSpace(value) || !pattern.IsMatch(value))
        {
            failures.Add($"{key} must be {what}, not '{value}'");
        }
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    [GeneratedRegex("^([0-9]+(ms|s|m|h|d|w|y))+$")]
    private static partial Regex Duration();
}
