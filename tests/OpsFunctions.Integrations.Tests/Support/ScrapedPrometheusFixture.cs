using System.Globalization;
using OpsFunctions.Testing.Http;
using OpsFunctions.Testing.Metrics;

namespace OpsFunctions.Integrations.Tests.Support;

/// <summary>
/// One real Prometheus shared by a test class, scraping a loopback app that serves <see cref="Metrics"/> as job
/// <see cref="Job"/>; ready once a scrape can be queried, whose time is <see cref="ScrapedAt"/>.
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

    /// <summary>Gets the time of a scrape that succeeded, to evaluate queries at.</summary>
    /// <remarks>
    /// Prometheus scrapes every second with a 1 s scrape timeout, on the wall clock. On a loaded machine a later
    /// scrape may time out, and then <c>up</c> is 0 and the series are marked stale from that scrape on; a query
    /// evaluated at this earlier scrape sees what it stored, whatever happens afterwards.
    /// </remarks>
    public DateTimeOffset ScrapedAt { get; private set; }

    public async ValueTask InitializeAsync()
    {
        App = await LoopbackReceiver.StartAsync();
        App.RespondWith(200, Metrics, "text/plain; version=0.0.4");
        Prometheus = await PrometheusProcess.StartAsync(new Dictionary<string, Uri> { [Job] = App.Url("metrics") });

        // timestamp() answers the time the sample was scraped, not the time of the query. Two minutes rather than
        // the usual patience: on a loaded machine the first scrapes may all time out; a wait that succeeds ends early.
        var data = await Prometheus.WaitForSampleAsync(
            $"timestamp(checkout_queue_depth{{job=\"{Job}\",queue=\"orders\"}})", TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        var seconds = decimal.Parse(data["result"]![0]!["value"]![1]!.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture);
        ScrapedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
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
