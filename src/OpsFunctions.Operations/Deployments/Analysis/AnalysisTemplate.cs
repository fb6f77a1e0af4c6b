using System.Globalization;

namespace OpsFunctions.Operations.Deployments.Analysis;

/// <summary>
/// A named Prometheus measurement with Argo Rollouts' AnalysisTemplate semantics, carried in orchestration inputs
/// with every default applied (<see cref="AnalysisTemplateCatalog"/> resolves one from configuration and the built-ins).
/// </summary>
public sealed record AnalysisTemplate
{
    private readonly string? _window;

    /// <summary>Gets the template's name: <c>error-rate</c>, or a configured one.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// Gets the PromQL query, evaluated at the measurement's time, giving one value. <c>{{selector}}</c> stands for the
    /// measured track's label matchers (<c>service="checkout",track="canary"</c>), <c>{{window}}</c> for
    /// <see cref="Window"/>, <c>{{share}}</c> for the measured track's share of the traffic (0..1).
    /// </summary>
    public required string Query { get; init; }

    /// <summary>Gets the condition that makes a measurement Successful (<see cref="AnalysisCondition"/>).</summary>
    public string? SuccessCondition { get; init; }

    /// <summary>Gets the condition that makes a measurement Failed (<see cref="AnalysisCondition"/>).</summary>
    public string? FailureCondition { get; init; }

    /// <summary>Gets the time between measurements; the first is taken one interval after the analysis starts.</summary>
    /// <value>1 minute (<see cref="AnalysisConstants.DefaultInterval"/>) unless set.</value>
    public TimeSpan Interval { get; init; } = AnalysisConstants.DefaultInterval;

    /// <summary>Gets how many measurements make a Successful run; null measures until stopped (background analysis).</summary>
    public int? Count { get; init; }

    /// <summary>Gets how many Failed measurements are tolerated; one more fails the run.</summary>
    /// <value>0 unless set.</value>
    public int FailureLimit { get; init; }

    /// <summary>Gets how many Inconclusive measurements are tolerated; one more makes the run Inconclusive.</summary>
    /// <value>0 unless set.</value>
    public int InconclusiveLimit { get; init; }

    /// <summary>Gets how many Error measurements in a row are tolerated; one more fails the run (as in Argo).</summary>
    /// <value>4 (<see cref="AnalysisConstants.DefaultConsecutiveErrorLimit"/>) unless set.</value>
    public int ConsecutiveErrorLimit { get; init; } = AnalysisConstants.DefaultConsecutiveErrorLimit;

    /// <summary>Gets the range of <c>{{window}}</c>, a Prometheus duration.</summary>
    /// <value>The interval rounded up to whole seconds, and at least <c>1m</c> (<see cref="AnalysisConstants.DefaultWindow"/>), unless set.</value>
    public string Window
    {
        get => _window ?? AnalysisConstants.DefaultWindow(Interval);
        init => _window = string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>Gets a value indicating whether the query also runs for the stable track, as <c>baseline</c> in the conditions.</summary>
    public bool CompareWithBaseline { get; init; }

    /// <summary>Gets the fewest canary requests in the window that can be judged; fewer make the measurement Inconclusive.</summary>
    /// <value>None unless set; the built-in templates use 50 (<see cref="AnalysisConstants.DefaultMinRequests"/>).</value>
    public double? MinRequests { get; init; }

    /// <summary>Gets the query counting the canary's requests in the window, when <see cref="MinRequests"/> is set.</summary>
    /// <value><c>sum(increase(http_requests_total{{{selector}}}[{{window}}]))</c> with the configured requests metric.</value>
    public string RequestsQuery { get; init; } = AnalysisConstants.DefaultRequestsQuery(AnalysisConstants.DefaultRequestsMetric);
}

/// <summary>What an analysis measures: a service's canary track, and its stable track as the baseline.</summary>
/// <param name="Service">The service, for messages.</param>
/// <param name="CanarySelector">The canary's label matchers, without braces: <c>service="checkout",track="canary"</c>.</param>
/// <param name="StableSelector">The stable version's label matchers, for templates that compare with the baseline.</param>
/// <param name="CanaryWeight">The canary's share of the traffic in percent, for queries that read <c>{{share}}</c>.</param>
public sealed record AnalysisTarget(string Service, string CanarySelector, string? StableSelector = null, int? CanaryWeight = null);

/// <summary>The defaults of analysis templates.</summary>
public static class AnalysisConstants
{
    /// <summary>The configuration section of deployments: <c>Deployments</c>.</summary>
    public const string SectionName = "Deployments";

    /// <summary>The placeholder of the measured track's label matchers.</summary>
    public const string SelectorPlaceholder = "{{selector}}";

    /// <summary>The placeholder of the window.</summary>
    public const string WindowPlaceholder = "{{window}}";

    /// <summary>The placeholder of the measured track's share of the traffic, 0..1.</summary>
    public const string SharePlaceholder = "{{share}}";

    /// <summary>The requests counter, unless <c>Deployments:Metrics:RequestsMetric</c> says otherwise.</summary>
    public const string DefaultRequestsMetric = "http_requests_total";

    /// <summary>The request duration histogram (seconds), unless <c>Deployments:Metrics:DurationMetric</c> says otherwise.</summary>
    public const string DefaultDurationMetric = "http_request_duration_seconds";

    /// <summary>The HTTP status label, unless <c>Deployments:Metrics:StatusLabel</c> says otherwise.</summary>
    public const string DefaultStatusLabel = "code";

    /// <summary>The measurements of a run the built-in templates take: 5.</summary>
    public const int DefaultCount = 5;

    /// <summary>Argo's default: 4 errors in a row are tolerated, the fifth fails the run.</summary>
    public const int DefaultConsecutiveErrorLimit = 4;

    /// <summary>The fewest requests the built-in templates judge: 50 in the window.</summary>
    /// <remarks>With fewer, one error in a handful of requests would read as a 5 %+ error rate.</remarks>
    public const double DefaultMinRequests = 50;

    /// <summary>How many measurements of each template a result and the orchestration's state keep: the last 20.</summary>
    public const int MeasurementsKept = 20;

    /// <summary>How many measurements an execution of the analysis orchestration takes before it continues as new.</summary>
    public const int MeasurementsPerExecution = 50;

    /// <summary>The time between measurements unless set: 1 minute.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The shortest window unless set: 1 minute, four scrapes at Prometheus' usual 15 s, so <c>rate()</c> always has
    /// at least two samples.
    /// </summary>
    public static readonly TimeSpan MinimumWindow = TimeSpan.FromMinutes(1);

    /// <summary>The window of an interval: the interval rounded up to whole seconds, at least <see cref="MinimumWindow"/>.</summary>
    public static string DefaultWindow(TimeSpan interval)
    {
        var seconds = (long)Math.Ceiling(Math.Max(interval.TotalSeconds, MinimumWindow.TotalSeconds));
        return seconds % 3600 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}h")
            : seconds % 60 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}m")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds}s");
    }

    /// <summary>The requests query over a counter: <c>sum(increase(metric{{{selector}}}[{{window}}]))</c>.</summary>
    public static string DefaultRequestsQuery(string requestsMetric) => $"sum(increase({requestsMetric}{{{SelectorPlaceholder}}}[{WindowPlaceholder}]))";
}
