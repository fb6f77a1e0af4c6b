using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OpsFunctions.Testing.Metrics;

/// <summary>
/// One version of a service on a loopback port, for canary and traffic tests: <c>GET /</c> answers its service, track
/// and version, failing a set share of requests with 500 and adding a set latency; <c>/metrics</c> exports what it
/// served in Prometheus' text format: <c>http_requests_total</c> and the <c>http_request_duration_seconds</c>
/// histogram, labelled <c>service</c> and <c>track</c>.
/// </summary>
/// <remarks>
/// Failures are spread exactly, not at random: with a ratio r the n-th request fails when floor(n·r) grows, so any
/// run of requests has r of them failed, give or take one.
/// </remarks>
public sealed class MetricsApp : IAsyncDisposable
{
    /// <summary>The histogram's upper bounds in seconds, +Inf aside.</summary>
    public static readonly IReadOnlyList<double> Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5];

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<int, long> _byCode = new() { [200] = 0, [500] = 0 };
    private readonly long[] _bucketCounts = new long[Buckets.Count];
    private long _requests;
    private long _count;
    private double _sum;
    private long _failureRatioBits;
    private long _latencyTicks;

    private MetricsApp(WebApplication app, string service, string track, string version)
    {
        _app = app;
        Service = service;
        Track = track;
        Version = version;
        app.MapGet("/", AnswerAsync);
        app.MapGet("/metrics", Export);
    }

    public string Service { get; }

    public string Track { get; }

    public string Version { get; }

    /// <summary>Gets the app's address, <c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets <c>127.0.0.1:port</c>, as an nginx server line or a traffic backend names it.</summary>
    public string Address => BaseAddress.Authority;

    public Uri MetricsUrl => new(BaseAddress, "metrics");

    /// <summary>Gets or sets the share of requests answered 500, from 0 to 1.</summary>
    public double FailureRatio
    {
        get => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _failureRatioBits));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 0);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1);
            Interlocked.Exchange(ref _failureRatioBits, BitConverter.DoubleToInt64Bits(value));
        }
    }

    /// <summary>Gets or sets the time added to every answer of <c>GET /</c>.</summary>
    public TimeSpan AddedLatency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, Math.Max(0, value.Ticks));
    }

    /// <summary>Gets how many requests to <c>GET /</c> were answered, whatever their status.</summary>
    public long Served
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Starts an app on a free loopback port.</summary>
    /// <param name="service">The <c>service</c> label, e.g. checkout.</param>
    /// <param name="track">The <c>track</c> label: stable, canary, blue, green.</param>
    /// <param name="version">The version it answers, e.g. 1.4.2.</param>
    public static async Task<MetricsApp> StartAsync(string service, string track, string version = "1.0.0")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();

        // Port 0: the system picks a free port while binding, so no other process can take it in between.
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = new MetricsApp(builder.Build(), service, track, version);
        await app._app.StartAsync(CancellationToken.None);
        app.BaseAddress = new Uri(app._app.Urls.First().TrimEnd('/') + "/");
        return app;
    }

    /// <summary>Gets how many requests to <c>GET /</c> were answered with <paramref name="statusCode"/>.</summary>
    public long ServedWith(int statusCode)
    {
        lock (_gate)
        {
            return _byCode.GetValueOrDefault(statusCode);
        }
    }

    /// <summary>Gets the metrics as <c>/metrics</c> serves them.</summary>
    public string Exposition()
    {
        var labels = $"service=\"{Escape(Service)}\",track=\"{Escape(Track)}\"";
        var text = new StringBuilder();
        lock (_gate)
        {
            text.Append("# HELP http_requests_total Requests answered, by status code.\n");
            text.Append("# TYPE http_requests_total counter\n");
            foreach (var (code, count) in _byCode)
            {
                text.Append(CultureInfo.InvariantCulture, $"http_requests_total{{{labels},code=\"{code}\"}} {count}\n");
            }

            text.Append("# HELP http_request_duration_seconds Time taken to answer a request.\n");
            text.Append("# TYPE http_request_duration_seconds histogram\n");
            long cumulative = 0;
            for (var i = 0; i < Buckets.Count; i++)
            {
                cumulative += _bucketCounts[i];
                text.Append(CultureInfo.InvariantCulture, $"http_request_duration_seconds_bucket{{{labels},le=\"{Buckets[i]}\"}} {cumulative}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {_count}\n");
            text.Append(CultureInfo.InvariantCulture, $"http_request_duration_seconds_sum{{{labels}}} {_sum:R}\n");
            text.Append(CultureInfo.InvariantCulture, $"http_request_duration_seconds_count{{{labels}}} {_count}\n");
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var n = Interlocked.Increment(ref _requests);
        var ratio = FailureRatio;
        var fail = Math.Floor(n * ratio) > Math.Floor((n - 1) * ratio);
        if (AddedLatency is { Ticks: > 0 } latency)
        {
            await Task.Delay(latency, context.RequestAborted);
        }

        var status = fail ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync($"{Service} {Track} {Version}{(fail ? " failed" : "")}\n", context.RequestAborted);
        Record(status, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private IResult Export() => Results.Text(Exposition(), "text/plain; version=0.0.4; charset=utf-8");

    private void Record(int status, double seconds)
    {
        lock (_gate)
        {
            _byCode[status] = _byCode.GetValueOrDefault(status) + 1;
            _count++;
            _sum += seconds;
            for (var i = 0; i < Buckets.Count; i++)
            {
                if (seconds <= Buckets[i])
                {
                    _bucketCounts[i]++;
                    break;
                }
            }
        }
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
