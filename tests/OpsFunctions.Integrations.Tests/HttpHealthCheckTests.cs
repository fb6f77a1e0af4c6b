using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsFunctions.Integrations.Diagnostics;
using OpsFunctions.Integrations.Tests.Support;
using OpsFunctions.Testing.Http;

namespace OpsFunctions.Integrations.Tests;

public sealed class HttpHealthCheckTests
{
    // The check's timeout (5 s unless set) and its latency are on this clock, which moves only when a test moves it.
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task CheckAsync_ExpectedStatus_IsHealthyWithLatencyAndExcerpt()
    {
        await using var service = await LoopbackReceiver.StartAsync();
        service.RespondWith(200, "{\"status\":\"Healthy\",\n\"checks\":3}");
        service.Hold();
        await using var services = CreateServices();

        await using var checking = PendingCall.Start(token => CreateSut(services).CheckAsync(new HealthCheckRequest(service.Url("/healthz?key=secret-key")), token));
        await service.WaitForRequestsAsync(1);
        _time.Advance(TimeSpan.FromMilliseconds(1500));
        service.Release();
        var result = await checking.ResultAsync();

        Assert.True(result.Healthy, result.Error);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal("{\"status\":\"Healthy\", \"checks\":3}", result.BodyExcerpt);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), result.Latency);
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
        await using var services = CreateServices();

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
        await using var services = CreateServices();

        var result = await CreateSut(services).CheckAsync(new HealthCheckRequest(service.Url("/ping")) { ExpectedStatus = 204 }, TestContext.Current.CancellationToken);

        Assert.True(result.Healthy, result.Error);
        Assert.Equal("", result.BodyExcerpt);
    }

    [Fact]
    public async Task CheckAsync_ServiceThatHangs_TimesOut()
    {
        await using var service = await LoopbackReceiver.StartAsync();
        service.Hold();
        await using var services = CreateServices();

        await using var checking = PendingCall.Start(token => CreateSut(services).CheckAsync(new HealthCheckRequest(service.Url("/healthz")) { Timeout = TimeSpan.FromMilliseconds(200) }, token));
        await service.WaitForRequestsAsync(1);
        _time.Advance(TimeSpan.FromMilliseconds(200));
        var result = await checking.ResultAsync();

        Assert.False(result.Healthy);
        Assert.Null(result.StatusCode);
        Assert.Equal("timed out after 0.2 s", result.Error);
        Assert.Equal(TimeSpan.FromMilliseconds(200), result.Latency);
    }

    [Fact]
    public async Task CheckAsync_NothingListening_ReportsANetworkError()
    {
        await using var services = CreateServices();

        using var closed = LoopbackPort.Closed();

        var result = await CreateSut(services).CheckAsync(new HealthCheckRequest(new Uri($"http://127.0.0.1:{closed.Port}/healthz")), TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.StartsWith("network error: ConnectionError", result.Error, StringComparison.Ordinal);
        Assert.Contains("unhealthy", result.Describe(), StringComparison.Ordinal);
    }

    private ServiceProvider CreateServices() => TestServices.Create(TestServices.FastSettings(), _time);

    private static IHttpHealthCheck CreateSut(ServiceProvider services) => services.GetRequiredService<IHttpHealthCheck>();
}
