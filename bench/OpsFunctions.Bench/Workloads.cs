using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using OpsFunctions.Durable;

namespace OpsFunctions.Bench;

/// <summary>The workloads; each returns its RESULT fields.</summary>
internal static class Workloads
{
    // Long enough for the largest run on a loaded machine; a hung instance fails the run instead of hanging it.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    public static Task<string> RunAsync(BenchOptions options) => options.Workload switch
    {
        "chain" => ChainAsync(options),
        "fanout" => FanOutAsync(options),
        "replay" => ReplayAsync(options),
        "idle" => IdleAsync(options),
        "start-latency" => StartLatencyAsync(options),
        "webhook-load" => WebhookLoad.RunAsync(options),
        "incident-latency" => IncidentLoad.LatencyAsync(options),
        "incident-load" => IncidentLoad.LoadAsync(options),
        _ => throw new ArgumentException($"unknown workload '{options.Workload}'. {BenchOptions.Usage}"),
    };

    private static async Task<string> ChainAsync(BenchOptions options)
    {
        var instances = Default(options.Instances, 100);
        var activities = Default(options.Activities, 5);
        var runs = Default(options.Runs, 3);
        await using var host = await BenchEngines.StartAsync(options, WorkloadTasks.AddChain);

        // One unmeasured round of the same size: the JIT's tiering and the store's caches settle in it.
        await ChainRoundAsync(host, instances, activities);
        var requestsBefore = host.StorageRequests;
        var rounds = new List<(double Seconds, List<double> Latencies)>();
        for (var run = 0; run < runs; run++)
        {
            rounds.Add(await ChainRoundAsync(host, instances, activities));
        }

        var perActivity = (double)(runs * instances * activities);
        var requests = host.StorageRequests is { } after && requestsBefore is { } before
            ? $" table_requests_per_activity={(after.Tables - before.Tables) / perActivity:F2} queue_requests_per_activity={(after.Queues - before.Queues) / perActivity:F2}"
            : string.Empty;

        var rates = rounds.Select(r => instances * activities / r.Seconds).Order().ToList();
        var latencies = rounds.SelectMany(r => r.Latencies).ToList();
        return Fields(
            ("instances", instances),
            ("activities", activities),
            ("runs", runs),
            ("activities_per_s", Percentile(rates, 50)),
            ("activities_per_s_min", rates[0]),
            ("activities_per_s_max", rates[^1]),
            ("orchestrations_per_s", Percentile(rates, 50) / activities),
            ("p50_ms", Percentile(latencies, 50)),
            ("p99_ms", Percentile(latencies, 99))) + requests;
    }

    private static async Task<(double Seconds, List<double> Latencies)> ChainRoundAsync(IBenchEngine host, int instances, int activities)
    {
        var latencies = new ConcurrentBag<double>();
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, instances).Select(async _ =>
        {
            var started = Stopwatch.GetTimestamp();
            var id = await host.ScheduleAsync("Chain", activities);
            Check(await host.WaitForCompletionAsync(id, Patience), activities);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }));
        return (total.Elapsed.TotalSeconds, [.. latencies]);
    }

    private static async Task<string> FanOutAsync(BenchOptions options)
    {
        var activities = Default(options.Activities, 200);
        var runs = Default(options.Runs, 5);
        await using var host = await BenchEngines.StartAsync(options, WorkloadTasks.AddFanOut);
        await host.WaitForCompletionAsync(await host.ScheduleAsync("FanOut", 10), Patience);

        var durations = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var started = Stopwatch.GetTimestamp();
            var id = await host.ScheduleAsync("FanOut", activities);
            var result = await host.WaitForCompletionAsync(id, Patience);
            durations.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (!result.IsCompleted)
            {
                throw new InvalidOperationException($"fan-out run {run}: {result}");
            }
        }

        return Fields(("activities", activities), ("runs", runs), ("p50_ms", Percentile(durations, 50)), ("min_ms", durations.Min()));
    }

    private static async Task<string> ReplayAsync(BenchOptions options)
    {
        var activities = Default(options.Activities, 1000);
        const int Baseline = 10;
        await using var host = await BenchHost.StartAsync(options, WorkloadTasks.AddChain);
        await RunChainAsync(host, Baseline);
        var baseline = (await RunChainAsync(host, Baseline)) / Baseline;
        var large = (await RunChainAsync(host, activities)) / activities;
        return Fields(
            ("activities", activities),
            ("cache", options.NoCache ? "off" : "on"),
            ("us_per_activity_at_10", baseline),
            ("us_per_activity", large),
            ("ratio", large / baseline));
    }

    private static async Task<double> RunChainAsync(IBenchEngine host, int activities)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await host.WaitForCompletionAsync(await host.ScheduleAsync("Chain", activities), Patience);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        Check(result, activities);
        return elapsed;
    }

    private static async Task<string> IdleAsync(BenchOptions options)
    {
        var instances = Default(options.Instances, 10_000);
        await using var host = await BenchHost.StartAsync(options, tasks => tasks
            .AddOrchestratorFunc<int, string>("Waiter", (context, _) => context.WaitForExternalEvent<string>("Go")));
        var before = Process.GetCurrentProcess().WorkingSet64;
        var ids = new List<string>(instances);
        for (var i = 0; i < instances; i += 500)
        {
            ids.AddRange(await Task.WhenAll(Enumerable.Range(i, Math.Min(500, instances - i))
                .Select(n => host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", n))));
        }

        foreach (var id in ids)
        {
            await host.Client.WaitForInstanceStartAsync(id);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return Fields(
            ("instances", instances),
            ("working_set_mb", process.WorkingSet64 / 1024d / 1024d),
            ("working_set_before_mb", before / 1024d / 1024d),
            ("managed_heap_mb", GC.GetTotalMemory(forceFullCollection: true) / 1024d / 1024d));
    }

    private static async Task<string> StartLatencyAsync(BenchOptions options)
    {
        var activities = Default(options.Activities, 5);
        var runs = Default(options.Runs, 20);
        var firstActivity = new ConcurrentDictionary<int, long>();
        await using var host = await BenchEngines.StartAsync(options, WorkloadTasks.Steps(activities, firstActivity));

        var toFirst = new List<double>();
        var toEnd = new List<double>();
        for (var run = -3; run < runs; run++)
        {
            // Let the host go idle, as it is when a webhook arrives at 3 a.m.
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            var started = Stopwatch.GetTimestamp();
            var id = await host.ScheduleAsync("Steps", run);
            var result = await host.WaitForCompletionAsync(id, Patience);
            var ended = Stopwatch.GetTimestamp();
            Check(result, activities);
            if (run >= 0)
            {
                toFirst.Add(Stopwatch.GetElapsedTime(started, firstActivity[run]).TotalMilliseconds);
                toEnd.Add(Stopwatch.GetElapsedTime(started, ended).TotalMilliseconds);
            }
        }

        return Fields(
            ("activities", activities),
            ("runs", runs),
            ("first_activity_p50_ms", Percentile(toFirst, 50)),
            ("first_activity_p99_ms", Percentile(toFirst, 99)),
            ("completion_p50_ms", Percentile(toEnd, 50)),
            ("completion_p99_ms", Percentile(toEnd, 99)));
    }

    private static void Check(BenchCompletion result, int expected)
    {
        if (!result.IsCompleted || result.ReadOutputAs<int>() != expected)
        {
            throw new InvalidOperationException(result.ToString());
        }
    }

    internal static int Default(int value, int fallback) => value > 0 ? value : fallback;

    internal static double Percentile(IEnumerable<double> values, int percentile)
    {
        var sorted = values.Order().ToArray();
        var index = (int)Math.Ceiling(percentile / 100d * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }

    internal static string Fields(params (string Name, object Value)[] fields)
        => string.Join(' ', fields.Select(f => f.Value is double d
            ? $"{f.Name}={d.ToString("0.###", CultureInfo.InvariantCulture)}"
            : $"{f.Name}={Convert.ToString(f.Value, CultureInfo.InvariantCulture)}"));
}
