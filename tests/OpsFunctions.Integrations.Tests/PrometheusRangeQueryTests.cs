using System.Web;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Integrations.Diagnostics;
using OpsFunctions.Integrations.Tests.Support;
using OpsFunctions.Testing.Http;

namespace OpsFunctions.Integrations.Tests;

/// <summary>Range queries (/api/v1/query_range) against a loopback fake serving the JSON Prometheus documents.</summary>
public sealed class PrometheusRangeQueryTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1435781430781);

    [Fact]
    public async Task QueryRangeAsync_Matrix_ParsesEverySeriesPointsOldestFirstAndSendsStartEndStep()
    {
        await using var prometheus = await LoopbackReceiver.StartAsync();
        prometheus.RespondWith(200, """
            {
              "status": "success",
              "data": {
                "resultType": "matrix",
                "result": [
                  { "metric": { "track": "canary" }, "values": [ [ 1435781430.781, "0.5" ], [ 1435781445.781, "0.25" ] ] },
                  { "metric": { "track": "stable" }, "values": [ [ 1435781430.781, "NaN" ], [ 1435781445.781, "1e-3" ] ] }
                ]
              }
            }
            """);
        await using var services = TestServices.Create(TestServices.FastSettings());

        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryRangeAsync(
            prometheus.BaseAddress, "sum by (track) (rate(http_requests_total[1m]))", Start, Start.AddSeconds(15), TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.Equal("matrix", result.ResultType);
        Assert.Equal(["canary", "canary", "stable", "stable"], result.Samples.Select(s => s.Labels["track"]));
        Assert.Equal([Start, Start.AddSeconds(15), Start, Start.AddSeconds(15)], result.Samples.Select(s => s.Timestamp));
        Assert.Equal(0.5, result.Samples[0].Value);
        Assert.True(double.IsNaN(result.Samples[2].Value));
        Assert.Equal(0.001, result.Samples[3].Value);
        Assert.Null(result.SingleValue);
        var request = Assert.Single(prometheus.Requests);
        Assert.Equal(("GET", "/api/v1/query_range"), (request.Method, request.Path));
        var parameters = HttpUtility.ParseQueryString(request.QueryString);
        Assert.Equal("sum by (track) (rate(http_requests_total[1m]))", parameters["query"]);
        Assert.Equal(("1435781430.781", "1435781445.781", "15"), (parameters["start"], parameters["end"], parameters["step"]));
    }

    [Fact]
    public async Task QueryRangeAsync_FractionalStep_SendsSecondsWithDecimals()
    {
        await using var prometheus = await LoopbackReceiver.StartAsync();
        prometheus.RespondWith(200, """{"status":"success","data":{"resultType":"matrix","result":[]}}""");
        await using var services = TestServices.Create(TestServices.FastSettings());

        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryRangeAsync(
            prometheus.BaseAddress, "up", Start, Start.AddMinutes(1), TimeSpan.FromMilliseconds(1500), TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.Empty(result.Samples);
        Assert.Equal("1.5", HttpUtility.ParseQueryString(Assert.Single(prometheus.Requests).QueryString)["step"]);
    }

    [Fact]
    public async Task QueryRangeAsync_PrometheusError_IsAResultWithErrorTypeAndMessage()
    {
        await using var prometheus = await LoopbackReceiver.StartAsync();
        prometheus.RespondWith(400, """{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"}""");
        await using var services = TestServices.Create(TestServices.FastSettings());

        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryRangeAsync(
            prometheus.BaseAddress, "up", Start, Start.AddDays(1), TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Equal((400, "bad_data"), (result.StatusCode, result.ErrorType));
        Assert.StartsWith("Prometheus bad_data: exceeded maximum resolution", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 60, "the step must be positive")]
    [InlineData(15, -60, "is before the start")]
    public async Task QueryRangeAsync_BadArguments_FailWithoutARequest(int stepSeconds, int endOffsetSeconds, string expected)
    {
        await using var prometheus = await LoopbackReceiver.StartAsync();
        await using var services = TestServices.Create(TestServices.FastSettings());

        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryRangeAsync(
            prometheus.BaseAddress, "up", Start, Start.AddSeconds(endOffsetSeconds), TimeSpan.FromSeconds(stepSeconds), TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Empty(prometheus.Requests);
    }

    [Fact]
    public async Task QueryRangeAsync_Unreachable_IsAFailedResult()
    {
        await using var services = TestServices.Create(TestServices.FastSettings());

        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryRangeAsync(
            new Uri($"http://127.0.0.1:{OpsFunctions.Testing.LoopbackPort.Free()}/"), "up", Start, Start.AddMinutes(1), TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.NotNull(result.Error);
    }
}
