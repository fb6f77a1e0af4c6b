using System.Globalization;

namespace OpsFunctions.Operations.Deployments.Analysis;

/// <summary>The templates every deployment has, over the metric names of <c>Deployments:Metrics</c>.</summary>
/// <remarks>
/// Each takes 5 measurements a minute apart over a 1 minute window, judges nothing below 50 requests in the window
/// (Inconclusive), and tolerates no failed measurement.
/// </remarks>
public static class BuiltInAnalysisTemplates
{
    /// <summary>The share of 5xx responses: fails above 5 %.</summary>
    public const string ErrorRate = "error-rate";

    /// <summary>The 95th percentile latency: fails above 2 s.</summary>
    public const string LatencyP95 = "latency-p95";

    /// <summary>The 99th percentile latency: fails above 5 s.</summary>
    public const string LatencyP99 = "latency-p99";

    /// <summary>
    /// The canary's request rate normalised by its traffic share, against the stable's normalised by its own: fails
    /// when the canary serves more than 30 % less than its share predicts.
    /// </summary>
    /// <remarks>
    /// <c>rate / share</c> is what a track would serve with all the traffic, so a healthy canary at 5 % and the stable
    /// at 95 % read alike; a canary whose requests never complete (crashes, refused connections, hung requests) reads
    /// lower, which the error rate does not show. It needs the canary's weight (<see cref="AnalysisTarget.CanaryWeight"/>);
    /// without it each measurement is an Error.
    /// </remarks>
    public const string ThroughputDrop = "throughput-drop";

    /// <summary>The names of the built-in templates.</summary>
    public static IReadOnlyList<string> Names { get; } = [ErrorRate, LatencyP95, LatencyP99, ThroughputDrop];

    /// <summary>Creates the built-in templates over <paramref name="metrics"/>' names.</summary>
    public static IReadOnlyDictionary<string, AnalysisTemplate> Create(DeploymentMetricsOptions metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var requests = metrics.RequestsMetric;
        var buckets = metrics.DurationMetric + "_bucket";
        var selector = AnalysisConstants.SelectorPlaceholder;
        var window = AnalysisConstants.WindowPlaceholder;
        var rate = $"sum(rate({requests}{{{selector}}}[{window}]))";
        return new Dictionary<string, AnalysisTemplate>(StringComparer.OrdinalIgnoreCase)
        {
            // "or vector(0)": with no 5xx series at all the numerator would be empty, and so the whole result.
            [ErrorRate] = Template(
                ErrorRate,
                $"(sum(rate({requests}{{{selector},{metrics.StatusLabel}=~\"5..\"}}[{window}])) or vector(0)) / {rate}",
                "result > 0.05"),
            [LatencyP95] = Template(LatencyP95, Quantile(0.95, buckets), "result > 2"),
            [LatencyP99] = Template(LatencyP99, Quantile(0.99, buckets), "result > 5"),
            [ThroughputDrop] = Template(ThroughputDrop, $"{rate} / {AnalysisConstants.SharePlaceholder}", "(baseline - result) / baseline > 0.3") with
            {
                CompareWithBaseline = true,
            },
        };

        AnalysisTemplate Template(string name, string query, string failureCondition) => new()
        {
            Name = name,
            Query = query,
            FailureCondition = failureCondition,
            Count = AnalysisConstants.DefaultCount,
            MinRequests = AnalysisConstants.DefaultMinRequests,
            RequestsQuery = AnalysisConstants.DefaultRequestsQuery(requests),
        };

        string Quantile(double quantile, string histogram)
            => string.Create(CultureInfo.InvariantCulture, $"histogram_quantile({quantile}, sum by (le) (rate({histogram}{{{selector}}}[{window}])))");
    }
}
