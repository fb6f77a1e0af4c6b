using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace OpsFunctions.Testing.Metrics;

/// <summary>
/// A real Prometheus on a free loopback port, started through <c>scripts/prometheus.sh</c> (which installs it when
/// missing), scraping test apps at a short interval so that their metrics can be queried within seconds.
/// </summary>
public sealed class PrometheusProcess : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly string _configDirectory;
    private readonly HttpClient _http;

    private PrometheusProcess(int port, string configDirectory)
    {
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _configDirectory = configDirectory;
        _http = new HttpClient { BaseAddress = BaseAddress };
    }

    /// <summary>Gets the port Prometheus listens on.</summary>
    public int Port { get; }

    /// <summary>Gets Prometheus' address, the base URL of its HTTP API.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Starts Prometheus scraping each job's metrics URL.</summary>
    /// <param name="jobs">Job names (the <c>job</c> label of their series) and the URL each one's metrics are read from.</param>
    /// <param name="scrapeInterval">How often every target is scraped; 1 s unless given.</param>
    /// <returns>The running Prometheus, before its first scrape.</returns>
    public static async Task<PrometheusProcess> StartAsync(IReadOnlyDictionary<string, Uri> jobs, TimeSpan? scrapeInterval = null)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var port = LoopbackPort.Free();
        var directory = Directory.CreateTempSubdirectory("opsfunctions-prometheus-config-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, Config(jobs, scrapeInterval ?? TimeSpan.FromSeconds(1)));
        await ProjectScripts.RunAsync("prometheus.sh", "start", config, port.ToString(CultureInfo.InvariantCulture));
        return new PrometheusProcess(port, directory);
    }

    /// <summary>Runs <paramref name="query"/> until its result holds at least one series or value.</summary>
    /// <param name="query">An instant PromQL query.</param>
    /// <param name="timeout">How long to keep asking; <see cref="Eventually.Patience"/> unless given (Prometheus applies new targets every 5 s).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The <c>data</c> object of the first answer with a result: <c>resultType</c> and <c>result</c>.</returns>
    /// <exception cref="TimeoutException">The query still had no result after <paramref name="timeout"/>.</exception>
    public async Task<JsonObject> WaitForSampleAsync(string query, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? Eventually.Patience;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        using var poll = new PeriodicTimer(PollInterval);
        var last = "no answer yet";
        try
        {
            do
            {
                var answer = await QueryAsync(query, deadline.Token);
                if (answer["data"] is JsonObject data && HasResult(data))
                {
                    return data;
                }

                last = answer.ToJsonString();
            }
            while (await poll.WaitForNextTickAsync(deadline.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"Prometheus had no sample for {query} within {limit}; its last answer: {last}");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await ProjectScripts.RunAsync("prometheus.sh", "stop", Port.ToString(CultureInfo.InvariantCulture));
        Directory.Delete(_configDirectory, recursive: true);
    }

    private async Task<JsonObject> QueryAsync(string query, CancellationToken cancellationToken)
    {
        // Prometheus answers a bad query with 4xx and the same JSON envelope; the caller shows it in the timeout.
        using var response = await _http.GetAsync(new Uri($"api/v1/query?query={Uri.EscapeDataString(query)}", UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return JsonNode.Parse(body) as JsonObject ?? throw new InvalidOperationException($"Prometheus answered {(int)response.StatusCode} with no JSON object: {body}");
    }

    /// <summary>A vector or matrix has a result once it holds a series; a scalar or string always has one.</summary>
    private static bool HasResult(JsonObject data) => data["resultType"]?.GetValue<string>() switch
    {
        "vector" or "matrix" => data["result"] is JsonArray { Count: > 0 },
        _ => data["result"] is not null,
    };

    private static string Config(IReadOnlyDictionary<string, Uri> jobs, TimeSpan scrapeInterval)
    {
        var interval = $"{Math.Max(1, (int)scrapeInterval.TotalSeconds)}s";
        var config = new StringBuilder();
        config.Append(CultureInfo.InvariantCulture, $"""
            global:
              scrape_interval: {interval}
              scrape_timeout: {interval}
            scrape_configs:

            """);
        foreach (var (job, url) in jobs)
        {
            config.Append(CultureInfo.InvariantCulture, $"""
                  - job_name: '{job}'
                    scheme: {url.Scheme}
                    metrics_path: '{url.AbsolutePath}'
                    static_configs:
                      - targets: ['{url.Authority}']

                """);
        }

        return config.ToString();
    }
}
