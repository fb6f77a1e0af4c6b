using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Integrations.Tests.Support;
using OpsFunctions.Integrations.Traffic;
using OpsFunctions.Testing.Metrics;
using OpsFunctions.Testing.Traffic;

namespace OpsFunctions.Integrations.Tests.Traffic;

/// <summary>Two versions of a service behind a real nginx, one shared by the class; each test sets its own weights.</summary>
public sealed class NginxTrafficFixture : IAsyncLifetime
{
    public const string Upstream = "checkout";

    public MetricsApp Stable { get; private set; } = null!;

    public MetricsApp Canary { get; private set; } = null!;

    public NginxProcess Nginx { get; private set; } = null!;

    public ServiceProvider Services { get; private set; } = null!;

    public TrafficTarget Target => new() { Provider = TrafficProviderKind.Nginx, Upstream = Upstream, ConfigFile = Nginx.UpstreamFile };

    public async ValueTask InitializeAsync()
    {
        Stable = await MetricsApp.StartAsync(Upstream, "stable", "1.0.0");
        Canary = await MetricsApp.StartAsync(Upstream, "canary", "1.1.0");
        Nginx = await NginxProcess.StartAsync(Upstream, [new(Stable.Address, 100), new(Canary.Address, 0)]);
        var settings = TestServices.FastSettings();
        foreach (var (key, value) in Nginx.Settings())
        {
            settings[key] = value;
        }

        Services = TestServices.Create(settings);
    }

    public async ValueTask DisposeAsync()
    {
        if (Services is not null)
        {
            await Services.DisposeAsync();
        }

        if (Nginx is not null)
        {
            await Nginx.DisposeAsync();
        }

        foreach (var app in (MetricsApp?[])[Stable, Canary])
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }
    }
}

[Trait("Category", "EndToEnd")]
public sealed class NginxTrafficEndToEndTests(NginxTrafficFixture fixture) : IClassFixture<NginxTrafficFixture>
{
    private const int Requests = 200;

    [Fact]
    public async Task ApplyAsync_HundredZero_SendsEveryRequestToStable()
    {
        await ApplyAsync(100, 0);

        var (stable, canary) = await SendAsync();

        Assert.Equal((Requests, 0), (stable, canary));
    }

    [Fact]
    public async Task ApplyAsync_ZeroHundred_SendsEveryRequestToCanaryAndItsMetricsCountThem()
    {
        await ApplyAsync(0, 100);
        var servedBefore = fixture.Canary.ServedWith(200);

        var (stable, canary) = await SendAsync();

        Assert.Equal((0, Requests), (stable, canary));
        Assert.Equal(servedBefore + Requests, fixture.Canary.ServedWith(200));
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(fixture.Canary.MetricsUrl, TestContext.Current.CancellationToken);
        MetricsAppTests.AssertWellFormed(metrics);
        Assert.Equal(fixture.Canary.ServedWith(200), MetricsAppTests.Sample(metrics, "http_requests_total", """track="canary",code="200"}"""));
        Assert.Equal(fixture.Canary.Served, MetricsAppTests.Sample(metrics, "http_request_duration_seconds_count", """track="canary"}"""));
    }

    [Fact]
    public async Task ApplyAsync_EightyTwenty_SendsTwentyPercentToCanary()
    {
        await ApplyAsync(80, 20);

        var (stable, canary) = await SendAsync();

        Assert.Equal(Requests, stable + canary);
        Assert.InRange(canary * 100.0 / Requests, 15.0, 25.0);
    }

    [Fact]
    public async Task ApplyAsync_ConfigurationNginxRejects_FailsWithNginxsWordsAndKeepsServingTheOldWeights()
    {
        await ApplyAsync(80, 20);
        var applied = await File.ReadAllTextAsync(fixture.Nginx.UpstreamFile, TestContext.Current.CancellationToken);
        var workers = fixture.Nginx.Workers();

        var change = await Router.ApplyAsync(
            fixture.Target, [new(fixture.Stable.Address, 50), new("127.0.0.1:99999", 50)], TestContext.Current.CancellationToken);

        Assert.False(change.Success);
        Assert.Contains("nginx: [emerg] invalid port in upstream \"127.0.0.1:99999\"", change.Error, StringComparison.Ordinal);
        Assert.EndsWith($"the previous {fixture.Nginx.UpstreamFile} restored", change.Error, StringComparison.Ordinal);
        Assert.Equal(applied, await File.ReadAllTextAsync(fixture.Nginx.UpstreamFile, TestContext.Current.CancellationToken));
        Assert.Equal(workers, fixture.Nginx.Workers());
        var (stable, canary) = await SendAsync();
        Assert.Equal(Requests, stable + canary);
        Assert.InRange(canary * 100.0 / Requests, 15.0, 25.0);
    }

    private ITrafficRouter Router => fixture.Services.GetRequiredService<ITrafficRouter>();

    /// <summary>Applies the weights and waits until nginx's new workers serve them.</summary>
    private async Task ApplyAsync(int stable, int canary)
    {
        var workers = fixture.Nginx.Workers();

        var change = await Router.ApplyAsync(
            fixture.Target, [new(fixture.Stable.Address, stable), new(fixture.Canary.Address, canary)], TestContext.Current.CancellationToken);

        Assert.True(change.Success, $"{change.Error}\n{fixture.Nginx.ErrorLogTail()}");
        await fixture.Nginx.WaitForReloadAsync(workers);
    }

    /// <summary>Sends <see cref="Requests"/> requests through nginx, one connection each, and counts who answered.</summary>
    private async Task<(int Stable, int Canary)> SendAsync()
    {
        var stableBefore = fixture.Stable.Served;
        var canaryBefore = fixture.Canary.Served;
        using var http = new HttpClient { BaseAddress = fixture.Nginx.BaseAddress };
        int stable = 0, canary = 0;
        for (var i = 0; i < Requests; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
            request.Headers.ConnectionClose = true;
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}\n{fixture.Nginx.ErrorLogTail()}");
            if (body.StartsWith("checkout stable ", StringComparison.Ordinal))
            {
                stable++;
            }
            else if (body.StartsWith("checkout canary ", StringComparison.Ordinal))
            {
                canary++;
            }
        }

        // Each app counted what it answered, and nothing else reached them.
        Assert.Equal((stable, canary), ((int)(fixture.Stable.Served - stableBefore), (int)(fixture.Canary.Served - canaryBefore)));
        return (stable, canary);
    }
}
