using Microsoft.Extensions.Options;
using Moq;
using OpsFunctions.Integrations.Diagnostics;
using OpsFunctions.Operations.Deployments;
using OpsFunctions.Operations.Deployments.Analysis;

namespace OpsFunctions.Operations.Tests.Deployments.Analysis;

/// <summary>One measurement against a mocked Prometheus client: which queries go out, and what comes back.</summary>
public sealed class MeasureAnalysisTests
{
    private static readonly Uri Prometheus = new("http://prometheus.test:9090/");
    private static readonly DateTimeOffset At = new(2026, 1, 5, 8, 5, 0, TimeSpan.Zero);
    private static readonly AnalysisTarget Target = new("checkout", "service=\"checkout\",track=\"canary\"", "service=\"checkout\",track=\"stable\"", 10);
    private static readonly IReadOnlyDictionary<string, AnalysisTemplate> BuiltIns = BuiltInAnalysisTemplates.Create(new DeploymentMetricsOptions());

    private readonly Mock<IPrometheusQueryClient> _prometheus = new(MockBehavior.Strict);
    private readonly List<string> _queries = [];

    private MeasureAnalysis CreateSut(string? baseUrl = "http://prometheus.test:9090/")
    {
        var options = new Mock<IOptionsMonitor<PrometheusOptions>>();
        options.SetupGet(o => o.CurrentValue).Returns(new PrometheusOptions { BaseUrl = baseUrl });
        return new MeasureAnalysis(_prometheus.Object, options.Object);
    }

    /// <summary>Answers each query by the first rule whose key it contains: a value, NaN, "none" for no series, or an error.</summary>
    private void Answer(params (string Contains, string Answer)[] rules)
        => _prometheus
            .Setup(p => p.QueryAsync(Prometheus, It.IsAny<string>(), At, It.IsAny<CancellationToken>()))
            .Returns((Uri _, string query, DateTimeOffset? _, CancellationToken _) =>
            {
                lock (_queries)
                {
                    _queries.Add(query);
                }

                var answer = rules.First(r => query.Contains(r.Contains, StringComparison.Ordinal)).Answer;
                return Task.FromResult(answer switch
                {
                    "none" => new PrometheusQueryResult { Query = query, Success = true, ResultType = "vector" },
                    "two" => new PrometheusQueryResult { Query = query, Success = true, ResultType = "vector", Samples = [Sample(1), Sample(2)] },
                    _ when answer.StartsWith("error:", StringComparison.Ordinal) => new PrometheusQueryResult { Query = query, Success = false, ErrorType = "bad_data", Error = answer[6..] },
                    _ => new PrometheusQueryResult { Query = query, Success = true, ResultType = "vector", Samples = [Sample(double.Parse(answer, System.Globalization.CultureInfo.InvariantCulture))] },
                });
            });

    private static PrometheusSample Sample(double value) => new(new Dictionary<string, string>(), At, value);

    private static MeasureAnalysisInput Input(string template, AnalysisTarget? target = null) => new(BuiltIns[template], target ?? Target, At);

    [Fact]
    public async Task MeasureAsync_ErrorRate_SendsRequestsThenCanaryQueryWithSelectorAndWindow()
    {
        Answer(("increase(", "600"), ("rate(", "0.2"));

        var measurement = await CreateSut().MeasureAsync(Input("error-rate"), TestContext.Current.CancellationToken);

        Assert.Equal(
            [
                """sum(increase(http_requests_total{service="checkout",track="canary"}[1m]))""",
                """(sum(rate(http_requests_total{service="checkout",track="canary",code=~"5.."}[1m])) or vector(0)) / sum(rate(http_requests_total{service="checkout",track="canary"}[1m]))""",
            ],
            _queries);
        Assert.Equal((MeasurementPhase.Failed, 0.2, 600.0, (double?)null), (measurement.Phase, measurement.Value, measurement.Requests, measurement.Baseline));
        Assert.Equal("failure condition 'result > 0.05' held (result 0.2)", measurement.Message);
        Assert.Equal(At, measurement.At);
    }

    [Fact]
    public async Task MeasureAsync_Healthy_IsSuccessful()
    {
        Answer(("increase(", "600"), ("rate(", "0.01"));

        var measurement = await CreateSut().MeasureAsync(Input("error-rate"), TestContext.Current.CancellationToken);

        Assert.Equal((MeasurementPhase.Successful, 0.01), (measurement.Phase, measurement.Value));
    }

    [Theory]
    [InlineData("3", 3.0)]
    [InlineData("none", 0.0)]
    [InlineData("NaN", 0.0)]
    public async Task MeasureAsync_TooFewRequests_IsInconclusiveWithoutQueryingTheValue(string requests, double counted)
    {
        Answer(("increase(", requests));

        var measurement = await CreateSut().MeasureAsync(Input("error-rate"), TestContext.Current.CancellationToken);

        Assert.Equal((MeasurementPhase.Inconclusive, counted), (measurement.Phase, measurement.Requests!.Value));
        Assert.Equal($"too few requests ({counted} < 50)", measurement.Message);
        Assert.Single(_queries);
    }

    [Fact]
    public async Task MeasureAsync_ThroughputDrop_RunsTheQueryForBothTracksNormalisedByTheirShares()
    {
        Answer(("increase(", "600"), ("track=\"canary\"", "60"), ("track=\"stable\"", "100"));

        var measurement = await CreateSut().MeasureAsync(Input("throughput-drop"), TestContext.Current.CancellationToken);

        Assert.Contains("""sum(rate(http_requests_total{service="checkout",track="canary"}[1m])) / 0.1""", _queries);
        Assert.Contains("""sum(rate(http_requests_total{service="checkout",track="stable"}[1m])) / 0.9""", _queries);
        Assert.Equal((MeasurementPhase.Failed, 60.0, 100.0), (measurement.Phase, measurement.Value, measurement.Baseline!.Value));
    }

    [Fact]
    public async Task MeasureAsync_ThroughputDropWithoutWeight_IsAnErrorWithoutQuerying()
    {
        Answer();

        var measurement = await CreateSut().MeasureAsync(Input("throughput-drop", Target with { CanaryWeight = null }), TestContext.Current.CancellationToken);

        Assert.Equal((MeasurementPhase.Error, "throughput-drop reads the traffic share, but the canary's weight is not known"), (measurement.Phase, measurement.Message));
        Assert.Empty(_queries);
    }

    [Fact]
    public async Task MeasureAsync_BaselineWithoutStableSelector_IsAnError()
    {
        Answer();

        var measurement = await CreateSut().MeasureAsync(Input("throughput-drop", Target with { StableSelector = null }), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementPhase.Error, measurement.Phase);
        Assert.Contains("no stable selector", measurement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MeasureAsync_PrometheusError_IsAnErrorMeasurementWithItsMessage()
    {
        Answer(("increase(", "600"), ("rate(", "error:Prometheus bad_data: parse error"));

        var measurement = await CreateSut().MeasureAsync(Input("latency-p95"), TestContext.Current.CancellationToken);

        Assert.Equal((MeasurementPhase.Error, "Prometheus bad_data: parse error", 600.0), (measurement.Phase, measurement.Message, measurement.Requests!.Value));
    }

    [Fact]
    public async Task MeasureAsync_RequestsQueryFails_IsAnError()
    {
        Answer(("increase(", "error:connection refused"));

        var measurement = await CreateSut().MeasureAsync(Input("latency-p95"), TestContext.Current.CancellationToken);

        Assert.Equal((MeasurementPhase.Error, "requests query: connection refused"), (measurement.Phase, measurement.Message));
    }

    [Fact]
    public async Task MeasureAsync_NoSeries_IsAnErrorNoData()
    {
        Answer(("increase(", "600"), ("histogram_quantile", "none"));

        var measurement = await CreateSut().MeasureAsync(Input("latency-p99"), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementPhase.Error, measurement.Phase);
        Assert.StartsWith("no data for histogram_quantile(0.99", measurement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MeasureAsync_SeveralSeries_IsAnErrorAskingToAggregate()
    {
        Answer(("increase(", "600"), ("histogram_quantile", "two"));

        var measurement = await CreateSut().MeasureAsync(Input("latency-p99"), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementPhase.Error, measurement.Phase);
        Assert.Contains("2 series", measurement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MeasureAsync_NaNLatency_IsInconclusive()
    {
        Answer(("increase(", "600"), ("histogram_quantile", "NaN"));

        var measurement = await CreateSut().MeasureAsync(Input("latency-p95"), TestContext.Current.CancellationToken);

        Assert.Equal((MeasurementPhase.Inconclusive, (double?)null), (measurement.Phase, measurement.Value));
    }

    [Fact]
    public async Task MeasureAsync_NoMinimum_SendsOnlyTheQuery()
    {
        Answer(("queue", "7"));
        var template = new AnalysisTemplate { Name = "queue", Query = "max(queue{{{selector}}}[{{window}}])", SuccessCondition = "result < 10", Interval = TimeSpan.FromMinutes(5) };

        var measurement = await CreateSut().MeasureAsync(new MeasureAnalysisInput(template, Target, At), TestContext.Current.CancellationToken);

        Assert.Equal(["""max(queue{service="checkout",track="canary"}[5m])"""], _queries);
        Assert.Equal(MeasurementPhase.Successful, measurement.Phase);
    }

    [Fact]
    public async Task MeasureAsync_NoPrometheus_IsAnErrorNamingTheKey()
    {
        var measurement = await CreateSut(baseUrl: null).MeasureAsync(Input("error-rate"), TestContext.Current.CancellationToken);

        Assert.Equal((MeasurementPhase.Error, "no Prometheus server: set Diagnostics:Prometheus:BaseUrl"), (measurement.Phase, measurement.Message));
    }

    [Fact]
    public async Task MeasureAsync_BadConditionFromCode_IsAnError()
    {
        Answer(("q", "1"));
        var template = new AnalysisTemplate { Name = "bad", Query = "q", SuccessCondition = "result >" };

        var measurement = await CreateSut().MeasureAsync(new MeasureAnalysisInput(template, Target, At), TestContext.Current.CancellationToken);

        Assert.Equal((MeasurementPhase.Error, "bad: bad condition: unexpected end of condition at 9"), (measurement.Phase, measurement.Message));
    }
}
