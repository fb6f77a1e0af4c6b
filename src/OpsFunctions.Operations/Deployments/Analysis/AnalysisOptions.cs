namespace OpsFunctions.Operations.Deployments.Analysis;

/// <summary>
/// The parts of <c>Deployments</c> analysis reads: the metric names of the built-in templates
/// (<c>Deployments:Metrics</c>) and the configured templates (<c>Deployments:AnalysisTemplates:{name}</c>).
/// </summary>
public sealed class DeploymentAnalysisOptions
{
    /// <summary>Gets the metric and label names the built-in templates query.</summary>
    public DeploymentMetricsOptions Metrics { get; } = new();

    /// <summary>
    /// Gets the configured templates by name (case-insensitive). A name of a built-in template overrides it field by
    /// field: unset fields keep the built-in's, and setting either condition replaces both.
    /// </summary>
    public Dictionary<string, AnalysisTemplateOptions> AnalysisTemplates { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary><c>Deployments:Metrics</c>: how the services' HTTP metrics are named.</summary>
public sealed class DeploymentMetricsOptions
{
    /// <summary>Gets or sets the requests counter.</summary>
    /// <value><c>http_requests_total</c> (<see cref="AnalysisConstants.DefaultRequestsMetric"/>) unless set.</value>
    public string RequestsMetric { get; set; } = AnalysisConstants.DefaultRequestsMetric;

    /// <summary>Gets or sets the request duration histogram, in seconds, without its <c>_bucket</c> suffix.</summary>
    /// <value><c>http_request_duration_seconds</c> (<see cref="AnalysisConstants.DefaultDurationMetric"/>) unless set.</value>
    public string DurationMetric { get; set; } = AnalysisConstants.DefaultDurationMetric;

    /// <summary>Gets or sets the label holding the HTTP status code of the requests counter.</summary>
    /// <value><c>code</c> (<see cref="AnalysisConstants.DefaultStatusLabel"/>) unless set.</value>
    public string StatusLabel { get; set; } = AnalysisConstants.DefaultStatusLabel;
}

/// <summary><c>Deployments:AnalysisTemplates:{name}</c>: one template; see <see cref="AnalysisTemplate"/> for each field.</summary>
public sealed class AnalysisTemplateOptions
{
    /// <summary>Gets or sets the PromQL query; required unless the name is a built-in's.</summary>
    public string? Query { get; set; }

    public string? SuccessCondition { get; set; }

    public string? FailureCondition { get; set; }

    /// <value>The built-in's, else 1 minute.</value>
    public TimeSpan? Interval { get; set; }

    /// <value>The built-in's, else 5 (<see cref="AnalysisConstants.DefaultCount"/>).</value>
    public int? Count { get; set; }

    /// <value>The built-in's, else 0.</value>
    public int? FailureLimit { get; set; }

    /// <value>The built-in's, else 0.</value>
    public int? InconclusiveLimit { get; set; }

    /// <value>The built-in's, else 4.</value>
    public int? ConsecutiveErrorLimit { get; set; }

    /// <value>Derived from the interval (at least <c>1m</c>) unless set.</value>
    public string? Window { get; set; }

    /// <value>The built-in's, else false.</value>
    public bool? CompareWithBaseline { get; set; }

    /// <value>The built-in's (50), else none.</value>
    public double? MinRequests { get; set; }

    /// <value>The built-in's, else <c>sum(increase({RequestsMetric}{{{selector}}}[{{window}}]))</c>.</value>
    public string? RequestsQuery { get; set; }
}
