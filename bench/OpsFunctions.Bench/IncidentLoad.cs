using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpsFunctions.Testing.Azure;
using OpsFunctions.Testing.Hosting;

namespace OpsFunctions.Bench;

/// <summary>
/// Incident response under load, against the built host as its own process, with a loopback receiver standing in for
/// Slack that notes when each page arrives.
/// <list type="bullet">
/// <item><c>incident-latency</c>: Alertmanager webhooks posted one at a time, each a new critical incident; the time from
/// the post to the first page at the receiver.</item>
/// <item><c>incident-load</c>: <c>--instances</c> incidents open at once, each waiting on its level 1 acknowledgement
/// timeout; the host's memory with all of them waiting, and how late the level 2 pages arrive against their due time.</item>
/// </list>
/// </summary>
internal static class IncidentLoad
{
    private const string FunctionKey = "bench-function-key";
    private static readonly TimeSpan LoadAckTimeout = TimeSpan.FromSeconds(30);

    public static async Task<string> LatencyAsync(BenchOptions options)
    {
        var runs = Workloads.Default(options.Runs, 50);
        await using var receiver = await PageReceiver.StartAsync();
        await using var host = await StartHostAsync(options, receiver, TimeSpan.FromMinutes(15));
        using var http = new HttpClient { BaseAddress = host.Process.BaseAddress };

        // One unmeasured incident: the JIT and the store's first writes settle in it.
        await OpenAndWaitAsync(http, receiver, "warm");
        var latencies = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            latencies.Add(await OpenAndWaitAsync(http, receiver, $"latency{run:D4}"));
        }

        return Workloads.Fields(
            ("runs", runs),
            ("first_page_p50_ms", Workloads.Percentile(latencies, 50)),
            ("first_page_p90_ms", Workloads.Percentile(latencies, 90)),
            ("first_page_p99_ms", Workloads.Percentile(latencies, 99)));
    }

    public static async Task<string> LoadAsync(BenchOptions options)
    {
        var incidents = Workloads.Default(options.Instances, 1000);
        await using var receiver = await PageReceiver.StartAsync();
        await using var proxy = options.Store == "azurite" ? await CountingStorageProxy.StartAsync() : null;
        await using var host = await StartHostAsync(options, receiver, LoadAckTimeout, proxy);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = host.Process.BaseAddress };

        // The host's polling while nothing happens, so the counts below can be read against it.
        var idleWindow = TimeSpan.FromSeconds(5);
        var idleStart = proxy?.Snapshot();
        await Task.Delay(idleWindow);
        var beforeLoad = proxy?.Snapshot();

        var names = Enumerable.Range(0, incidents).Select(i => $"load{i:D5}").ToArray();
        var opening = Stopwatch.StartNew();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, token) => await PostAlertAsync(http, name, token));
        var firstPages = await Task.WhenAll(names.Select(name => receiver.WaitAsync("level1", name, TimeSpan.FromMinutes(5))));
        var opened = opening.Elapsed;
        var afterOpening = proxy?.Snapshot();
        await Console.Error.WriteLineAsync($"{incidents} incidents open and paged at level 1 in {opened.TotalSeconds:F1} s; waiting for their level 2 pages");
        var waitingMemory = host.Process.ResidentBytes();

        var secondPages = await Task.WhenAll(names.Select(name => receiver.WaitAsync("level2", name, LoadAckTimeout + TimeSpan.FromMinutes(5))));
        var pageGaps = firstPages.Zip(secondPages, (first, second) => ((second - first) * 1000.0 / Stopwatch.Frequency) - LoadAckTimeout.TotalMilliseconds).ToList();
        var requests = proxy is null ? string.Empty : await StorageRequestsAsync(proxy, incidents, idleStart!, beforeLoad!, afterOpening!, idleWindow);
        var (timers, withinSecond) = await LadderTimersAsync(http);
        return requests + Workloads.Fields(
            ("incidents", incidents),
            ("open_s", opened.TotalSeconds),
            ("rss_mb_waiting", waitingMemory / 1024.0 / 1024.0),
            ("rss_mb_after", host.Process.ResidentBytes() / 1024.0 / 1024.0),
            ("ladder_timers_fired", timers),
            ("ladder_timers_within_1s", withinSecond),
            ("level2_page_after_timeout_p50_ms", Workloads.Percentile(pageGaps, 50)),
            ("level2_page_after_timeout_p99_ms", Workloads.Percentile(pageGaps, 99)));
    }

    /// <summary>
    /// Storage requests per incident, counted on the wire: up to the last level 1 page (opening: the webhook, the incident's
    /// start, its record, route notification, diagnostics and ladder, and whatever of it was still running), and in all
    /// once every level 2 page arrived and the host wrote and sent nothing more for a few seconds. Writes and sends are the
    /// incidents' own; receives include the host's polling, shown per second when idle.
    /// </summary>
    private static async Task<string> StorageRequestsAsync(
        CountingStorageProxy proxy, int incidents, IReadOnlyDictionary<string, long> idleStart, IReadOnlyDictionary<string, long> beforeLoad,
        IReadOnlyDictionary<string, long> afterOpening, TimeSpan idleWindow)
    {
        static long WritesAndSends(IReadOnlyDictionary<string, long> counts)
            => counts.Where(c => !c.Key.StartsWith("queue_receive", StringComparison.Ordinal) && !c.Key.StartsWith("table_read", StringComparison.Ordinal)
                && !c.Key.StartsWith("table_query", StringComparison.Ordinal) && c.Key != "blob").Sum(c => c.Value);

        // Settled: nothing written or sent for 5 s (a sent outbox is cleared 2 s after its instance's last episode).
        var settled = proxy.Snapshot();
        for (var quiet = 0; quiet < 10;)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var now = proxy.Snapshot();
            quiet = WritesAndSends(now) == WritesAndSends(settled) ? quiet + 1 : 0;
            settled = now;
        }

        static Dictionary<string, double> PerIncident(IReadOnlyDictionary<string, long> from, IReadOnlyDictionary<string, long> to, double divisor)
            => to.Keys.Union(from.Keys).ToDictionary(k => k, k => (to.GetValueOrDefault(k) - from.GetValueOrDefault(k)) / divisor, StringComparer.Ordinal);

        double Sum(Dictionary<string, double> counts, string prefix) => counts.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(c => c.Value);
        var idle = PerIncident(idleStart, beforeLoad, idleWindow.TotalSeconds);
        var opening = PerIncident(beforeLoad, afterOpening, incidents);
        var total = PerIncident(beforeLoad, settled, incidents);
        foreach (var (phase, counts) in new[] { ("idle, per second", idle), ("opening, per incident", opening), ("in all, per incident", total) })
        {
            await Console.Error.WriteLineAsync($"storage requests {phase}: " + string.Join(' ', counts.Where(c => c.Value > 0).OrderBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => $"{c.Key}={c.Value.ToString("0.##", CultureInfo.InvariantCulture)}")));
        }

        return Workloads.Fields(
            ("open_requests_per_incident", opening.Values.Sum()),
            ("open_table_requests_per_incident", Sum(opening, "table")),
            ("open_table_queries_per_incident", Sum(opening, "table_query")),
            ("open_queue_sends_per_incident", Sum(opening, "queue_send")),
            ("requests_per_incident", total.Values.Sum()),
            ("table_requests_per_incident", Sum(total, "table")),
            ("table_queries_per_incident", Sum(total, "table_query")),
            ("queue_requests_per_incident", Sum(total, "queue")),
            ("queue_sends_per_incident", Sum(total, "queue_send")),
            ("idle_requests_per_s", idle.Values.Sum())) + " ";
    }

    /// <summary>
    /// Reads the host's timer-lateness histogram for the ladders: how many of their timers fired, and how many within
    /// 1 s of their due time. The page gap also holds the two notifications' own work.
    /// </summary>
    private static async Task<(double Fired, double WithinSecond)> LadderTimersAsync(HttpClient http)
    {
        var metrics = await http.GetStringAsync("/metrics");
        double Read(string series) => metrics.Split('\n')
            .Where(line => line.StartsWith(series, StringComparison.Ordinal))
            .Select(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))
            .Sum();
        return (
            Read("opsfunctions_timer_lateness_seconds_count{name=\"EscalationOrchestrator\"}"),
            Read("opsfunctions_timer_lateness_seconds_bucket{name=\"EscalationOrchestrator\",le=\"1\"}"));
    }

    private static async Task<double> OpenAndWaitAsync(HttpClient http, PageReceiver receiver, string name)
    {
        var posted = Stopwatch.GetTimestamp();
        await PostAlertAsync(http, name, CancellationToken.None);
        var paged = await receiver.WaitAsync("critical", name, TimeSpan.FromSeconds(30));
        return (paged - posted) * 1000.0 / Stopwatch.Frequency;
    }

    private static async Task PostAlertAsync(HttpClient http, string name, CancellationToken cancellationToken)
    {
        var alert = new JsonObject
        {
            ["status"] = "firing",
            ["labels"] = new JsonObject { ["alertname"] = name, ["service"] = "bench", ["severity"] = "critical" },
            ["annotations"] = new JsonObject { ["summary"] = $"{name} fired" },
            ["startsAt"] = "2026-01-01T00:00:00Z",
            ["endsAt"] = "0001-01-01T00:00:00Z",
            ["generatorURL"] = "http://prometheus.bench/graph",
            ["fingerprint"] = name,
        };
        var payload = new JsonObject
        {
            ["version"] = "4",
            ["groupKey"] = $"{{}}:{{alertname=\"{name}\"}}",
            ["truncatedAlerts"] = 0,
            ["status"] = "firing",
            ["receiver"] = "bench",
            ["groupLabels"] = new JsonObject { ["alertname"] = name },
            ["commonLabels"] = new JsonObject { ["alertname"] = name, ["service"] = "bench", ["severity"] = "critical" },
            ["commonAnnotations"] = new JsonObject(),
            ["externalURL"] = "http://alertmanager.bench",
            ["alerts"] = new JsonArray(alert),
        };
        using var content = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync($"/api/alerts/alertmanager?code={FunctionKey}", content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The host answered {(int)response.StatusCode} to the webhook of {name}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    private static async Task<BenchHostProcess> StartHostAsync(BenchOptions options, PageReceiver receiver, TimeSpan ackTimeout, CountingStorageProxy? proxy = null)
    {
        var directory = Directory.CreateTempSubdirectory("opsfunctions-bench-incidents-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["Keys__Function"] = FunctionKey,
            ["Keys__Admin"] = "bench-admin-key",
            ["Approvals__SigningKey"] = "bench-signing-key",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            ["Notifications__Slack__Channels__critical"] = receiver.Url("critical"),
            ["Notifications__Slack__Channels__level1"] = receiver.Url("level1"),
            ["Notifications__Slack__Channels__level2"] = receiver.Url("level2"),
            ["Incidents__Routes__Critical__0__Name"] = "bench route",
            ["Incidents__Routes__Critical__0__SlackChannel"] = "critical",
            ["Escalation__Policies__bench__Match__Service"] = "bench",
            ["Escalation__Policies__bench__Levels__0__Contacts__0__Name"] = "level 1",
            ["Escalation__Policies__bench__Levels__0__Contacts__0__SlackChannel"] = "level1",
            ["Escalation__Policies__bench__Levels__0__AckTimeout"] = ackTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["Escalation__Policies__bench__Levels__1__Contacts__0__Name"] = "level 2",
            ["Escalation__Policies__bench__Levels__1__Contacts__0__SlackChannel"] = "level2",
            ["Escalation__Policies__bench__Levels__1__AckTimeout"] = TimeSpan.FromHours(1).ToString("c", CultureInfo.InvariantCulture),
        };
        if (options.Store == "azurite")
        {
            var connection = await Azurite.EnsureStartedAsync();
            var hub = "bench" + Guid.NewGuid().ToString("N")[..10];
            if (proxy is not null)
            {
                connection = proxy.ConnectionString;
                proxy.HubName = hub;
            }

            environment["AzureWebJobsStorage"] = connection;
            environment["extensions__durableTask__hubName"] = hub;
        }
        else if (options.Store != "sqlite")
        {
            throw new ArgumentException($"unknown store '{options.Store}'; this build knows: sqlite, azurite. {BenchOptions.Usage}");
        }

        var process = await HostProcess.StartAsync(directory, environment);
        await Console.Error.WriteLineAsync($"host pid {process.Id} on {process.BaseAddress}, store {options.Store}");
        return new BenchHostProcess(process, directory);
    }

    /// <summary>The host process and its app root, deleted with it.</summary>
    private sealed class BenchHostProcess(HostProcess process, string directory) : IAsyncDisposable
    {
        public HostProcess Process { get; } = process;

        public async ValueTask DisposeAsync()
        {
            await Process.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Receives pages on <c>/{channel}</c> and notes when the first page naming each alert arrived.</summary>
    private sealed class PageReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<(string Channel, string Name), TaskCompletionSource<long>> _pages = new();

        private PageReceiver(WebApplication app) => _app = app;

        public static async Task<PageReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var receiver = new PageReceiver(app);
            app.MapPost("/{channel}", async (string channel, HttpRequest request) =>
            {
                var arrived = Stopwatch.GetTimestamp();
                using var reader = new StreamReader(request.Body);
                var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
                foreach (var name in Names(body))
                {
                    receiver.Page(channel, name).TrySetResult(arrived);
                }

                return Results.Ok();
            });
            await app.StartAsync();
            return receiver;
        }

        public string Url(string channel) => $"{_app.Urls.First()}/{channel}";

        public async Task<long> WaitAsync(string channel, string name, TimeSpan limit)
        {
            try
            {
                return await Page(channel, name).Task.WaitAsync(limit);
            }
            catch (TimeoutException)
            {
                throw new InvalidOperationException($"No page for {name} reached {channel} within {limit}.");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        /// <summary>The bench's alert names in a page: <c>latency0001</c>, <c>load00001</c>, <c>warm</c>.</summary>
        private static IEnumerable<string> Names(string body)
            => System.Text.RegularExpressions.Regex.Matches(body, @"\b(?:latency\d{4}|load\d{5}|warm)\b").Select(m => m.Value).Distinct();

        private TaskCompletionSource<long> Page(string channel, string name)
            => _pages.GetOrAdd((channel, name), _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
