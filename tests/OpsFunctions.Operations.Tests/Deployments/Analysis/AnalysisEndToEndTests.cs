using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Operations.Deployments;
using OpsFunctions.Operations.Deployments.Analysis;
using OpsFunctions.Testing.Http;
using OpsFunctions.Testing.Metrics;

namespace OpsFunctions.Operations.Tests.Deployments.Analysis;

/// <summary>
/// The built-in templates against a real Prometheus scraping a loopback app whose request counters grow every
/// half second: the checkout canary answers 20 % of its requests with 500, the payments canary none.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class AnalysisEndToEndTests(AnalysisEndToEndTests.Fixture fixture) : IClassFixture<AnalysisEndToEndTests.Fixture>
{
    [Fact]
    public async Task ErrorRate_CanaryWithTwentyPercentErrors_Fails()
    {
        var measurement = await MeasureAsync(BuiltInAnalysisTemplates.ErrorRate, "checkout");

        Assert.True(measurement.Phase == MeasurementPhase.Failed, measurement.Message);
        Assert.InRange(measurement.Value!.Value, 0.15, 0.25);
        Assert.True(measurement.Requests >= AnalysisConstants.DefaultMinRequests, measurement.Message);
        Assert.StartsWith("failure condition 'result > 0.05' held", measurement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorRate_HealthyCanaryWithoutAny5xxSeries_Succeeds()
    {
        var measurement = await MeasureAsync(BuiltInAnalysisTemplates.ErrorRate, "payments");

        Assert.True(measurement.Phase == MeasurementPhase.Successful, measurement.Message);
        Assert.Equal(0, measurement.Value);
    }

    [Fact]
    public async Task ErrorRate_CanaryWithoutTraffic_IsInconclusive()
    {
        var measurement = await MeasureAsync(BuiltInAnalysisTemplates.ErrorRate, "search");

        Assert.Equal((MeasurementPhase.Inconclusive, "too few requests (0 < 50)"), (measurement.Phase, measurement.Message));
    }

    [Fact]
    public async Task ErrorRate_BadQuery_IsAnErrorWithPrometheusMessage()
    {
        var template = new AnalysisTemplate { Name = "broken", Query = "sum(rate(http_requests_total{{{selector}}}[{{window}}])", FailureCondition = "result > 1" };

        var measurement = await MeasureAsync(template, "checkout");

        Assert.Equal(MeasurementPhase.Error, measurement.Phase);
        Assert.StartsWith("Prometheus bad_data: ", measurement.Message, StringComparison.Ordinal);
    }

    private Task<Measurement> MeasureAsync(string template, string service)
    {
        var catalog = fixture.Services.GetRequiredService<AnalysisTemplateCatalog>();
        return MeasureAsync(catalog.Find(template)!, service);
    }

    private async Task<Measurement> MeasureAsync(AnalysisTemplate template, string service)
    {
        var activity = ActivatorUtilities.CreateInstance<MeasureAnalysis>(fixture.Services);
        var target = new AnalysisTarget(service, $"service=\"{service}\",track=\"canary\"", $"service=\"{service}\",track=\"stable\"", 10);
        return await activity.MeasureAsync(new MeasureAnalysisInput(template, target, fixture.ScrapedAt), TestContext.Current.CancellationToken);
    }

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly CancellationTokenSource _stopping = new();
        private Task? _traffic;

        public LoopbackReceiver App { get; private set; } = null!;

        public PrometheusProcess Prometheus { get; private set; } = null!;

        public ServiceProvider Services { get; private set; } = null!;

        /// <summary>Gets the time of a scrape by which the counters had grown well past the minimum request count.</summary>
        public DateTimeOffset ScrapedAt { get; private set; }

        public async ValueTask InitializeAsync()
        {
            App = await LoopbackReceiver.StartAsync();
            App.RespondWith(200, Metrics(0), "text/plain; version=0.0.4");
            _traffic = GrowAsync(_stopping.Token);
            Prometheus = await PrometheusProcess.StartAsync(new Dictionary<string, Uri> { ["apps"] = App.Url("metrics") });

            // Enough requests in the last minute for both canaries; then the time of that scrape.
            await Prometheus.WaitForSampleAsync(
                "sum(increase(http_requests_total{service=\"payments\",track=\"canary\"}[1m])) > 200 and sum(increase(http_requests_total{service=\"checkout\",track=\"canary\"}[1m])) > 200",
                TimeSpan.FromMinutes(2),
                TestContext.Current.CancellationToken);
            var data = await Prometheus.WaitForSampleAsync(
                "timestamp(http_requests_total{service=\"checkout\",track=\"canary\",code=\"500\"})", TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
            var seconds = decimal.Parse(data["result"]![0]!["value"]![1]!.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture);
            ScrapedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));

            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Diagnostics:Prometheus:BaseUrl"] = Prometheus.BaseAddress.AbsoluteUri })
                .Build();
            Services = new ServiceCollection().AddDeploymentAnalysis(configuration).BuildServiceProvider();
        }

        public async ValueTask DisposeAsync()
        {
            await _stopping.CancelAsync();
            if (_traffic is not null)
            {
                await _traffic;
            }

            _stopping.Dispose();
            if (Services is not null)
            {
                await Services.DisposeAsync();
            }

            if (Prometheus is not null)
            {
                await Prometheus.DisposeAsync();
            }

            if (App is not null)
            {
                await App.DisposeAsync();
            }
        }

        /// <summary>Per tick: checkout canary 40 requests, 8 of them 500; payments canary 40, all 200; search serves none.</summary>
        private static string Metrics(long tick) => string.Create(CultureInfo.InvariantCulture, $$"""
            # TYPE http_requests_total counter
            http_requests_total{service="checkout",track="canary",code="200"} {{32 * tick}}
            http_requests_total{service="checkout",track="canary",code="500"} {{8 * tick}}
            http_requests_total{service="payments",track="canary",code="200"} {{40 * tick}}
            http_requests_total{service="search",track="canary",code="200"} 7

            """);

        private async Task GrowAsync(CancellationToken cancellationToken)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
            var tick = 0L;
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken))
                {
                    App.RespondWith(200, Metrics(++tick), "text/plain; version=0.0.4");
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
