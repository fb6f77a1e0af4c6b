using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using OpsFunctions.Integrations.Diagnostics;

namespace OpsFunctions.Operations.Deployments.Analysis;

/// <summary>The input of <see cref="MeasureAnalysis"/>: one template, what it measures, and the evaluation time.</summary>
/// <param name="Template">The template, with every default applied.</param>
/// <param name="Target">The canary's and the stable's selectors.</param>
/// <param name="At">The time the queries are evaluated at (the orchestration's, so a retry measures the same window).</param>
public sealed record MeasureAnalysisInput(AnalysisTemplate Template, AnalysisTarget Target, DateTimeOffset At);

/// <summary>
/// Takes one measurement of a template against Prometheus (<c>Diagnostics:Prometheus:BaseUrl</c>, the server incident
/// diagnostics query): the canary's requests in the window when a minimum applies, the canary's value, and the stable's
/// value when the template compares with the baseline, all evaluated at <see cref="MeasureAnalysisInput.At"/>.
/// </summary>
/// <remarks>
/// Prometheus failures are measurements, never exceptions: an unreachable server, a bad query, a query with no series
/// ("no data") or with several series is an Error measurement carrying Prometheus' message. With too few requests the
/// value queries are not sent.
/// </remarks>
public sealed class MeasureAnalysis(IPrometheusQueryClient prometheus, IOptionsMonitor<PrometheusOptions> prometheusOptions)
    : TaskActivity<MeasureAnalysisInput, Measurement>
{
    public override Task<Measurement> RunAsync(TaskActivityContext context, MeasureAnalysisInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return MeasureAsync(input, CancellationToken.None);
    }

    /// <summary>Takes the measurement.</summary>
    public async Task<Measurement> MeasureAsync(MeasureAnalysisInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (template, target, at) = input;
        if (string.IsNullOrWhiteSpace(prometheusOptions.CurrentValue.BaseUrl))
        {
            return Error(at, $"no Prometheus server: set {PrometheusOptions.Section}:BaseUrl");
        }

        var baseUrl = new Uri(prometheusOptions.CurrentValue.BaseUrl);
        if (string.IsNullOrWhiteSpace(target.CanarySelector))
        {
            return Error(at, $"no canary selector for {target.Service}");
        }

        if (template.CompareWithBaseline && string.IsNullOrWhiteSpace(target.StableSelector))
        {
            return Error(at, $"{template.Name} compares with the baseline, but {target.Service} has no stable selector");
        }

        if (template.Query.Contains(AnalysisConstants.SharePlaceholder, StringComparison.Ordinal) && target.CanaryWeight is null)
        {
            return Error(at, $"{template.Name} reads the traffic share, but the canary's weight is not known");
        }

        double? requests = null;
        if (template.MinRequests is { } minimum)
        {
            var counted = await prometheus.QueryAsync(baseUrl, Expand(template.RequestsQuery, template, target, canary: true), at, cancellationToken);
            if (!counted.Success)
            {
                return Error(at, $"requests query: {counted.Error}");
            }

            // No series: nothing was counted, which is no traffic, not an error.
            if (counted.Samples.Count > 1)
            {
                return Error(at, $"requests query gave {counted.Samples.Count} series; aggregate it to one, e.g. sum(...)");
            }

            requests = counted.Samples.Count == 0 || double.IsNaN(counted.Samples[0].Value) ? 0 : counted.Samples[0].Value;
            if (requests < minimum)
            {
                return MeasurementRules.TooFewRequests(at, requests.Value, minimum);
            }
        }

        var canaryQuery = prometheus.QueryAsync(baseUrl, Expand(template.Query, template, target, canary: true), at, cancellationToken);
        var stableQuery = template.CompareWithBaseline
            ? prometheus.QueryAsync(baseUrl, Expand(template.Query, template, target, canary: false), at, cancellationToken)
            : null;
        var canary = await canaryQuery;
        var stable = stableQuery is null ? null : await stableQuery;
        if (SingleValue(canary, out var error) is not { } value)
        {
            return Error(at, error, requests);
        }

        double? baseline = null;
        if (stable is not null)
        {
            baseline = SingleValue(stable, out error);
            if (baseline is null)
            {
                return Error(at, $"baseline: {error}", requests) with { Value = double.IsFinite(value) ? value : null };
            }
        }

        try
        {
            return MeasurementRules.Evaluate(template, at, value, baseline, requests);
        }
        catch (ConditionSyntaxException exception)
        {
            return Error(at, $"{template.Name}: bad condition: {exception.Message}", requests);
        }
    }

    /// <summary>Fills in a query's placeholders for the canary or the stable track.</summary>
    public static string Expand(string query, AnalysisTemplate template, AnalysisTarget target, bool canary)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(target);
        var weight = Math.Clamp(target.CanaryWeight ?? 0, 0, 100);
        var share = (canary ? weight : 100 - weight) / 100.0;
        return query
            .Replace(AnalysisConstants.SelectorPlaceholder, canary ? target.CanarySelector : target.StableSelector ?? "", StringComparison.Ordinal)
            .Replace(AnalysisConstants.WindowPlaceholder, template.Window, StringComparison.Ordinal)
            .Replace(AnalysisConstants.SharePlaceholder, share.ToString("0.####", CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    private static double? SingleValue(PrometheusQueryResult result, out string error)
    {
        error = "";
        if (!result.Success)
        {
            error = result.Error ?? "the query failed";
            return null;
        }

        switch (result.ResultType, result.Samples.Count)
        {
            case ("scalar", 1) or ("vector", 1):
                return result.Samples[0].Value;
            case ("vector", 0):
                error = $"no data for {result.Query}";
                return null;
            case ("vector", var count):
                error = string.Create(CultureInfo.InvariantCulture, $"{count} series for {result.Query}; aggregate it to one, e.g. sum(...)");
                return null;
            default:
                error = $"a {result.ResultType} result for {result.Query}; a measurement needs one value";
                return null;
        }
    }

    private static Measurement Error(DateTimeOffset at, string message, double? requests = null) => new(at, MeasurementPhase.Error, Requests: requests, Message: message);
}
