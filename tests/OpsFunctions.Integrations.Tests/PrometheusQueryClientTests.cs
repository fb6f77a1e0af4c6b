using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Integrations.Diagnostics;
using OpsFunctions.Integrations.Tests.Support;

namespace OpsFunctions.Integrations.Tests;

/// <summary>Against a loopback fake serving the JSON documented for Prometheus' HTTP API (/api/v1/query).</summary>
public sealed class PrometheusQueryClientTests
{
    [Fact]
    public async Task QueryAsync_Vector_ParsesEachSeriesLabelsTimeAndValue()
    {
        await using var prometheus = await LoopbackReceiver.StartAsync();
        prometheus.RespondWith(200, """
            {
              "status": "success",
              "data": {
                "resultType": "vector",
                "result": [
                  { "metric": { "__name__": "up", "job": "prometheus", "instance": "localhost:9090" }, "value": [ 1435781451.781, "1" ] },
                  { "metric": { "__name__": "up", "job": "node", "instance": "localhost:9100" }, "value": [ 1435781451.781, "0" ] }
                ]
              }
            }
            """);
        await using var services = CreateSut(prometheus);

        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryAsync("up{job=~\"prometheus|node\"}", TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.Equal("vector", result.ResultType);
        Assert.Equal(2, result.Samples.Count);
        Assert.Equal("prometheus", result.Samples[0].Labels["job"]);
        Assert.Equal("localhost:9100", result.Samples[1].Labels["instance"]);
        Assert.Equal([1.0, 0.0], result.Samples.Select(s => s.Value));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1435781451781), result.Samples[0].Timestamp);
        Assert.Null(result.SingleValue);
        var request = Assert.Single(prometheus.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/api/v1/query", request.Path);
        Assert.Equal("up{job=~\"prometheus|node\"}", System.Web.HttpUtility.ParseQueryString(request.QueryString)["query"]);
    }

    [Fact]
    public async Task QueryAsync_ScalarAtATime_ParsesTheSingleValueAndSendsTheTime()
    {
        await using var prometheus = await LoopbackReceiver.StartAsync();
        prometheus.RespondWith(200, """{"status":"success","data":{"resultType":"scalar","result":[1435781451.781,"0.25"]}}""");
        await using var services = TestServices.Create(TestServices.FastSettings());

        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryAsync(
            prometheus.BaseAddress, "scalar(sum(rate(errors[5m])) / sum(rate(requests[5m])))", DateTimeOffset.FromUnixTimeMilliseconds(1435781451781), TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.Equal("scalar", result.ResultType);
        Assert.Equal(0.25, result.SingleValue);
        Assert.Empty(Assert.Single(result.Samples).Labels);
        Assert.Equal("1435781451.781", System.Web.HttpUtility.ParseQueryString(Assert.Single(prometheus.Requests).QueryString)["time"]);
    }

    [Fact]
    public async Task QueryAsync_MatrixWithSpecialValuesAndWarnings_ParsesEveryPoint()
    {
        await using var prometheus = await LoopbackReceiver.StartAsync();
        prometheus.RespondWith(200, """
            {
              "status": "success",
              "data": { "resultType": "matrix", "result": [ { "metric": { "job": "api" }, "values": [ [ 1435781430.781, "NaN" ], [ 1435781445.781, "+Inf" ], [ 1435781460.781, "-Inf" ] ] } ] },
              "warnings": [ "PromQL info: metric might not be a counter" ]
            }
            """);
        await using var services = CreateSut(prometheus);

        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryAsync("rate(api_total[1m])[45s:15s]", TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.Equal("matrix", result.ResultType);
        Assert.Equal(3, result.Samples.Count);
        Assert.True(double.IsNaN(result.Samples[0].Value));
        Assert.Equal(double.PositiveInfinity, result.Samples[1].Value);
        Assert.Equal(double.NegativeInfinity, result.Samples[2].Value);
        Assert.Equal("+Inf", result.Samples[1].RawValue);
        Assert.Equal(["PromQL info: metric might not be a counter"], result.Warnings);
    }

    [Fact]
    public async Task QueryAsync_EmptyVector_SucceedsWithNoData()
    {
        await using var prometheus = await LoopbackReceiver.StartAsync();
        prometheus.RespondWith(200, """{"status":"success","data":{"resultType":"vector","result":[]}}""");
        await using var services = CreateSut(prometheus);

        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryAsync("up{job=\"none\"}", TestContext.Current.CancellationToken);

        Assert.True(result.Success);
        Assert.Empty(result.Samples);
        Assert.Equal("up{job=\"none\"}: no data", result.Describe());
    }

    [Fact]
    public async Task QueryAsync_PrometheusError_SurfacesErrorTypeAndMessageWithoutRetrying()
    {
        await using var prometheus = await LoopbackReceiver.StartAsync();
        prometheus.RespondWith(400, """{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:6: parse error: unexpected end of input"}""");
        await using var services = CreateSut(prometheus);

        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryAsync("rate(", TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Equal(400, result.StatusCode);
        Assert.Equal("bad_data", result.ErrorType);
        Assert.Equal("Prometheus bad_data: invalid parameter \"query\": 1:6: parse error: unexpected end of input", result.Error);
        Assert.Single(prometheus.Requests);
    }

    [Fact]
    public async Task QueryAsync_NotJson_ReportsStatusAndExcerpt()
    {
        await using var prometheus = await LoopbackReceiver.StartAsync();
        prometheus.RespondWith(502, "<html>Bad Gateway</html>", "text/html");
        await using var services = CreateSut(prometheus);

        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryAsync("up", TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Equal(502, result.StatusCode);
        Assert.Equal("HTTP 502 Bad Gateway, not Prometheus JSON: <html>Bad Gateway</html>", result.Error);
        Assert.Equal(2, prometheus.Requests.Count);
    }

    [Fact]
    public async Task QueryAsync_NoBaseUrl_FailsNamingTheKey()
    {
        await using var services = TestServices.Create(TestServices.FastSettings());

        var result = await services.GetRequiredService<IPrometheusQueryClient>().QueryAsync("up", TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Contains("Diagnostics:Prometheus:BaseUrl", result.Error, StringComparison.Ordinal);
    }

    private static ServiceProvider CreateSut(LoopbackReceiver prometheus)
    {
        var settings = TestServices.FastSettings();
        settings["Diagnostics:Prometheus:BaseUrl"] = prometheus.BaseAddress.AbsoluteUri;
        return TestServices.Create(settings);
    }
}
