using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Integrations.Diagnostics;
using OpsFunctions.Integrations.Tests.Support;

namespace OpsFunctions.Integrations.Tests;

/// <summary>Against a real Prometheus that has scraped a loopback app (<see cref="ScrapedPrometheusFixture"/>).</summary>
[Trait("Category", "EndToEnd")]
public sealed class PrometheusQueryClientEndToEndTests(ScrapedPrometheusFixture fixture) : IClassFixture<ScrapedPrometheusFixture>
{
    [Fact]
    public async Task QueryAsync_GaugeWithTwoLabelSets_ReturnsEachSeriesWithItsLabelsAndValue()
    {
        await using var services = CreateSut();

        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryAsync("checkout_queue_depth", TestContext.Current.CancellationToken);

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
        await using var services = CreateSut();

        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryAsync(
            $"up{{job=\"{ScrapedPrometheusFixture.Job}\"}}", TestContext.Current.CancellationToken);

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
        await using var services = CreateSut();

        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryAsync(query, TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.Equal("scalar", result.ResultType);
        Assert.Empty(Assert.Single(result.Samples).Labels);
        Assert.Equal(expected, result.SingleValue);
    }

    [Fact]
    public async Task QueryAsync_SelectorMatchingNothing_SucceedsWithAnEmptyVector()
    {
        await using var services = CreateSut();

        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryAsync("checkout_queue_depth{queue=\"none\"}", TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.Equal("vector", result.ResultType);
        Assert.Empty(result.Samples);
        Assert.Equal("checkout_queue_depth{queue=\"none\"}: no data", result.Describe());
    }

    [Fact]
    public async Task QueryAsync_MalformedPromQl_FailsWithPrometheusBadDataAndItsMessage()
    {
        await using var services = CreateSut();

        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryAsync("sum(checkout_queue_depth", TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Equal(400, result.StatusCode);
        Assert.Equal("bad_data", result.ErrorType);
        Assert.StartsWith("Prometheus bad_data: invalid parameter \"query\": ", result.Error, StringComparison.Ordinal);
        Assert.Contains("parse error", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Samples);
    }

    private ServiceProvider CreateSut()
    {
        var settings = TestServices.FastSettings();
        settings["Diagnostics:Prometheus:BaseUrl"] = fixture.Prometheus.BaseAddress.AbsoluteUri;
        return TestServices.Create(settings);
    }
}
