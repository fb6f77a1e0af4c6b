using System.Globalization;
using System.Text.RegularExpressions;
using OpsFunctions.Testing.Metrics;

namespace OpsFunctions.Integrations.Tests.Traffic;

/// <summary>The service stand-in the traffic and canary tests count requests with.</summary>
public sealed partial class MetricsAppTests
{
    [Fact]
    public async Task Get_FailureRatioAQuarter_FailsExactlyAQuarterAndExportsTheCounts()
    {
        await using var app = await MetricsApp.StartAsync("checkout", "canary", "2.0.0");
        app.FailureRatio = 0.25;
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        var statuses = new List<int>();
        for (var i = 0; i < 100; i++)
        {
            using var response = await http.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
            statuses.Add((int)response.StatusCode);
            Assert.StartsWith("checkout canary 2.0.0", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        Assert.Equal(25, statuses.Count(s => s == 500));
        Assert.Equal(75, statuses.Count(s => s == 200));
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(75, Sample(metrics, "http_requests_total", """code="200"}"""));
        Assert.Equal(25, Sample(metrics, "http_requests_total", """code="500"}"""));
        Assert.Equal(100, Sample(metrics, "http_request_duration_seconds_count", "}"));
        Assert.Equal(100, Sample(metrics, "http_request_duration_seconds_bucket", """le="+Inf"}"""));
        Assert.Equal(100, app.Served);
        AssertWellFormed(metrics);
    }

    [Fact]
    public async Task Get_AddedLatency_LandsInTheBucketsAboveIt()
    {
        await using var app = await MetricsApp.StartAsync("checkout", "stable");
        app.AddedLatency = TimeSpan.FromMilliseconds(60);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        for (var i = 0; i < 5; i++)
        {
            using var response = await http.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(200, (int)response.StatusCode);
        }

        var metrics = app.Exposition();
        Assert.Equal(0, Sample(metrics, "http_request_duration_seconds_bucket", """le="0.05"}"""));
        Assert.Equal(5, Sample(metrics, "http_request_duration_seconds_bucket", """le="+Inf"}"""));
        Assert.True(Sample(metrics, "http_request_duration_seconds_sum", "}") >= 0.3, metrics);
        Assert.Equal(0, Sample(metrics, "http_requests_total", """code="500"}"""));
        AssertWellFormed(metrics);
    }

    /// <summary>The value of the one sample of <paramref name="metric"/> whose labels end with <paramref name="labelsEnd"/>.</summary>
    internal static double Sample(string metrics, string metric, string labelsEnd)
    {
        var line = Assert.Single(metrics.Split('\n'), l => l.StartsWith(metric + "{", StringComparison.Ordinal) && l.Contains(labelsEnd + " ", StringComparison.Ordinal));
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>Every line is a comment or a sample labelled service and track, and the buckets only grow.</summary>
    internal static void AssertWellFormed(string metrics)
    {
        var lines = metrics.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.Matches(SampleLine(), l));
        var buckets = lines.Where(l => l.StartsWith("http_request_duration_seconds_bucket", StringComparison.Ordinal))
            .Select(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(MetricsApp.Buckets.Count + 1, buckets.Count);
        Assert.Equal(buckets.Order(), buckets);
    }

    [GeneratedRegex("""^(# (HELP|TYPE) \w+ .+|\w+\{service="[^"]+",track="[^"]+"(,(code|le)="[^"]+")?\} [0-9.eE+-]+)$""")]
    private static partial Regex SampleLine();
}
