using OpsFunctions.Testing.Http;
using OpsFunctions.Testing.Metrics;

namespace OpsFunctions.Integrations.Tests.Support;

/// <summary>
/// One real Prometheus shared by a test class, scraping a loopback app that serves <see cref="Metrics"/> as job
/// <see cref="Job"/>; ready once the first scrape can be queried.
/// </summary>
public sealed class ScrapedPrometheusFixture : IAsyncLifetime
{
    public const string Job = "checkout";

    /// <summary>A gauge with two label sets, in Prometheus' text exposition format.</summary>
    public const string Metrics = """
        # HELP checkout_queue_depth Messages waiting, per queue.
        # TYPE checkout_queue_depth gauge
        checkout_queue_depth{queue="orders",region="eu"} 42
        checkout_queue_depth{queue="refunds",region="eu"} 7.5

        """;

    public LoopbackReceiver App { get; private set; } = null!;

    public PrometheusProcess Prometheus { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await LoopbackReceiver.StartAsync();
        App.RespondWith(200, Metrics, "text/plain; version=0.0.4");
        Prometheus = await PrometheusProcess.StartAsync(new Dictionary<string, Uri> { [Job] = App.Url("metrics") });
        await Prometheus.WaitForSampleAsync($"checkout_queue_depth{{job=\"{Job}\"}}", cancellationToken: TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Prometheus is not null)
        {
            await Prometheus.DisposeAsync();
        }

        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}
