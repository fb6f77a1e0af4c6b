using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Integrations.Diagnostics;
using OpsFunctions.Integrations.Tests.Support;

namespace OpsFunctions.Integrations.Tests;

public sealed class HttpHealthCheckTests
{
    [Fact]
    public async Task CheckAsync_ExpectedStatus_IsHealthyWithLatencyAndExcerpt()
    {
        await using var service = await LoopbackReceiver.StartAsync();
        service.RespondWith(200, "{\"status\":\"Healthy\",\n\"checks\":3}");
        await using var services = TestServices.Create(TestServices.FastSettings());

        var result = await CreateSut(services).CheckAsync(new HealthCheckRequest(service.Url("/healthz?key=secret-key")), TestContext.Current.CancellationToken);

        Assert.True(result.Healthy, result.Error);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal("{\"status\":\"Healthy\", \"checks\":3}", result.BodyExcerpt);
        Assert.True(result.Latency > TimeSpan.Zero);
        Assert.Equal(service.Url("/healthz").AbsoluteUri, result.Url);
        var request = Assert.Single(service.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("?key=secret-key", request.QueryString);
    }

    [Fact]
    public async Task CheckAsync_UnexpectedStatus_IsUnhealthyAndNotRetried()
    {
        await using var service = await LoopbackReceiver.StartAsync();
        service.RespondWith(503, "database unreachable", "text/plain");
        await using var services = TestServices.Create(TestServices.FastSettings());

        var result = await CreateSut(services).CheckAsync(new HealthCheckRequest(service.Url("/healthz")), TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.Equal(503, result.StatusCode);
        Assert.Equal("database unreachable", result.BodyExcerpt);
        Assert.Equal("expected HTTP 200, got 503 Service Unavailable", result.Error);
        Assert.Single(service.Requests);
    }

    [Fact]
    public async Task CheckAsync_OtherExpectedStatus_IsHealthy()
    {
        await using var service = await LoopbackReceiver.StartAsync();
        service.RespondWith(204);
        await using var services = TestServices.Create(TestServices.FastSettings());

        var result = await CreateSut(services).CheckAsync(new HealthCheckRequest(service.Url("/ping")) { ExpectedStatus = 204 }, TestContext.Current.CancellationToken);

        Assert.True(result.Healthy, result.Error);
        Assert.Equal("", result.BodyExcerpt);
    }

    [Fact]
    public async Task CheckAsync_ServiceThatHangs_TimesOut()
    {
        await using var service = await LoopbackReceiver.StartAsync();
        service.Hold();
        await using var services = TestServices.Create(TestServices.FastSettings());

        var result = await CreateSut(services).CheckAsync(new HealthCheckRequest(service.Url("/healthz")) { Timeout = TimeSpan.FromMilliseconds(200) }, TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.Null(result.StatusCode);
        Assert.Equal("timed out after 0.2 s", result.Error);
        Assert.True(result.Latency >= TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task CheckAsync_NothingListening_ReportsANetworkError()
    {
        await using var services = TestServices.Create(TestServices.FastSettings());

        var result = await CreateSut(services).CheckAsync(new HealthCheckRequest(new Uri($"http://127.0.0.1:{TestServices.ClosedPort()}/healthz")), TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.StartsWith("network error: ConnectionError", result.Error, StringComparison.Ordinal);
        Assert.Contains("unhealthy", result.Describe(), StringComparison.Ordinal);
    }

    private static IHttpHealthCheck CreateSut(ServiceProvider services) => services.GetRequiredService<IHttpHealthCheck>();
}
