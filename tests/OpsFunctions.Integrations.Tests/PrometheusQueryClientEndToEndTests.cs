using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Integrations.Diagnostics;
using OpsFunctions.Integrations.Tests.Support;

namespace OpsFunctions.Integrations.Tests;

/// <summary>
/// Against a real Prometheus that has scraped a loopback app (<see cref="ScrapedPrometheusFixture"/>), each query
/// evaluated at the time of a scrape that succeeded, so that a later scrape timing out cannot change the answer.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class PrometheusQueryClientEndToEndTests(ScrapedPrometheusFixture fixture) : IClassFixture<ScrapedPrometheusFixture>
{
    [Fact]
    public async Task QueryAsync_GaugeWithTwoLabelSets_ReturnsEachSeriesWithItsLabelsAndValue()
    {
        var result = await QueryAsync("checkout_queue_depth");

        Assert.True(result.Success, result.Error);
        Assert.Equal("vector", result.ResultType);
        var samples = result.Samples.OrderBy(s => s.Labels["queue"], StringComparer.Ordinal).ToList();
        Assert.Equal(["orders", "refunds"], samples.Select(s => s.Labels["queue"]));
        Assert.Equal([42.0, 7.5], samples.Select(s => s.Value));
        Assert.All(samples, s =>
        {
            Assert.Equal("checkout_queue_depth", s.Labels["__name__"]);
            Assert.Equal(ScrapedPrometheusFixture.Job, s.Labels["job"]);
            Assert.Equal(fixture.App.BaseAddress.Authority, s.Labels["instance"]);
            Assert.Equal("eu", s.Labels["region"]);
        });
        Assert.Null(result.SingleValue);
    }

    [Fact]
    public async Task QueryAsync_UpOfTheScrapeJob_IsOne()
    {
        var result = await QueryAsync($"up{{job=\"{ScrapedPrometheusFixture.Job}\"}}");

        Assert.True(result.Success, result.Error);
        var up = Assert.Single(result.Samples);
        Assert.Equal(fixture.App.BaseAddress.Authority, up.Labels["instance"]);
        Assert.Equal(1.0, result.SingleValue);
    }

    [Theory]
    [InlineData("scalar(sum(checkout_queue_depth))", 49.5)]
    [InlineData("scalar(checkout_queue_depth{queue=\"refunds\"}) * 2", 15.0)]
    [InlineData("0.25", 0.25)]
    public async Task QueryAsync_ScalarExpression_ReturnsTheSingleValue(string query, double expected)
    {
        var result = await QueryAsync(query);

        Assert.True(result.Success, result.Error);
        Assert.Equal("scalar", result.ResultType);
        Assert.Empty(Assert.Single(result.Samples).Labels);
        Assert.Equal(expected, result.SingleValue);
    }

    [Fact]
    public async Task QueryAsync_SelectorMatchingNothing_SucceedsWithAnEmptyVector()
    {
        var result = await QueryAsync("checkout_queue_depth{queue=\"none\"}");

        Assert.True(result.Success, result.Error);
        Assert.Equal("vector", result.ResultType);
        Assert.Empty(result.Samples);
        Assert.Equal("checkout_queue_depth{queue=\"none\"}: no data", result.Describe());
    }

    [Fact]
    public async Task QueryAsync_MalformedPromQl_FailsWithPrometheusBadDataAndItsMessage()
    {
        var result = await QueryAsync("sum(checkout_queue_depth");

        Assert.False(result.Success);
        Assert.Equal(400, result.StatusCode);
        Assert.Equal("bad_data", result.ErrorType);
        Assert.StartsWith("Prometheus bad_data: invalid parameter \"query\": ", result.Error, StringComparison.Ordinal);
        Assert.Contains("parse error", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Samples);
    }

    [Fact]
    public async Task QueryRangeAsync_GaugeOverTheSecondsBeforeAScrape_ReturnsAMatrixOfItsValue()
    {
        await using var services = TestServices.Create(TestServices.FastSettings());

        // The gauge holds 42 from the first scrape on; each step up to the scrape that succeeded sees that value.
        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryRangeAsync(
            fixture.Prometheus.BaseAddress, "checkout_queue_depth{queue=\"orders\"}", fixture.ScrapedAt, fixture.ScrapedAt, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.Equal("matrix", result.ResultType);
        var point = Assert.Single(result.Samples);
        Assert.Equal(("orders", 42.0, fixture.ScrapedAt), (point.Labels["queue"], point.Value, point.Timestamp));
    }

    private async Task<PrometheusQueryResult> QueryAsync(string query)
    {
        await using var services = TestServices.Create(TestServices.FastSettings());
        return await services.GetRequiredService<IPrometheusQueryClient>().QueryAsync(
            fixture.Prometheus.BaseAddress, query, fixture.ScrapedAt, TestContext.Current.CancellationToken);
    }
}
