using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using OpsFunctions.Testing.Hosting;

namespace OpsFunctions.Bench;

/// <summary>
/// webhook-load: the built host as its own process on a fresh app root, driven from this process over loopback
/// by <c>--concurrency</c> clients posting <c>--instances</c> deployment webhooks; then every start is counted
/// through the management API, and the run fails if one is missing.
/// </summary>
internal static class WebhookLoad
{
    private const string FunctionKey = "bench-function-key";
    private const string AdminKey = "bench-admin-key";
    private const string Prefix = "trigger-";
    private const int WarmUpRequests = 300;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(5);

    public static async Task<string> RunAsync(BenchOptions options)
    {
        var requests = Workloads.Default(options.Instances, 5000);
        var concurrency = Workloads.Default(options.Concurrency, 16);
        var directory = Directory.CreateTempSubdirectory("opsfunctions-bench-webhook-").FullName;
        try
        {
            await using var host = await HostProcess.StartAsync(directory, new Dictionary<string, string>
            {
                ["Keys__Function"] = FunctionKey,
                ["Keys__Admin"] = AdminKey,
                ["Approvals__SigningKey"] = "bench-signing-key",
                ["Logging__LogLevel__Default"] = "Warning",
                ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            });
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = host.BaseAddress };
            await Console.Error.WriteLineAsync($"host pid {host.Id} on {host.BaseAddress}; {requests} webhooks, {concurrency} in flight, idempotency keys: {options.Idempotency}");

            await DriveAsync(http, WarmUpRequests, concurrency, options.Idempotency, "warm");
            var (latencies, seconds, failures) = await DriveAsync(http, requests, concurrency, options.Idempotency, "run");
            var accepted = WarmUpRequests + requests - failures;

            var drain = Stopwatch.StartNew();
            var started = await CountAsync(http, null);
            int completed;
            while ((completed = await CountAsync(http, "Completed")) < accepted && drain.Elapsed < DrainTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }

            if (failures > 0 || started != accepted || completed != accepted)
            {
                throw new InvalidOperationException($"{failures} requests failed; {accepted} accepted, {started} instances found, {completed} completed.");
            }

            return Workloads.Fields(
                ("requests", requests),
                ("concurrency", concurrency),
                ("idempotency", options.Idempotency),
                ("starts_per_s", requests / seconds),
                ("p50_ms", Workloads.Percentile(latencies, 50)),
                ("p90_ms", Workloads.Percentile(latencies, 90)),
                ("p99_ms", Workloads.Percentile(latencies, 99)),
                ("instances_started", started),
                ("instances_completed", completed),
                ("lost", accepted - started),
                ("drain_s", drain.Elapsed.TotalSeconds));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(List<double> Latencies, double Seconds, int Failures)> DriveAsync(
        HttpClient http, int requests, int concurrency, bool idempotency, string run)
    {
        var latencies = new double[requests];
        var next = -1;
        var failures = 0;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < requests)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/trigger")
                {
                    Content = new StringContent($"{{\"service\":\"checkout\",\"version\":\"{run}-{index}\"}}", Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("x-functions-key", FunctionKey);
                if (idempotency)
                {
                    request.Headers.Add("Idempotency-Key", $"{run}-{index}");
                }

                var sent = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                latencies[index] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        return ([.. latencies], wall.Elapsed.TotalSeconds, failures);
    }

    private static async Task<int> CountAsync(HttpClient http, string? status)
    {
        var count = 0;
        string? continuation = null;
        do
        {
            using var request = new HttpRequestMessage(
                HttpMethod.Get,
                $"/runtime/webhooks/durabletask/instances?instanceIdPrefix={Prefix}&top=1000&showInput=false{(status is null ? string.Empty : "&runtimeStatus=" + status)}");
            request.Headers.Add("x-functions-key", AdminKey);
            if (continuation is not null)
            {
                request.Headers.Add("x-ms-continuation-token", continuation);
            }

            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            count += (await response.Content.ReadFromJsonAsync<JsonArray>())!.Count;
            continuation = response.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.First() : null;
        }
        while (continuation is not null);

        return count;
    }
}
