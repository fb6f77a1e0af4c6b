using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OpsFunctions.Testing.Hosting;

namespace OpsFunctions.Host.Tests;

/// <summary>SIGTERM against the real host process: running activities finish or come back; nothing is lost.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ShutdownTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sigterm_ActivityShorterThanGracePeriod_FinishesAndIsNotRunAgain()
    {
        var (output, stepStarts, exitCode) = await RunThroughSigtermAsync(gracePeriod: "00:00:20", stepMilliseconds: 1500);

        Assert.Equal(0, exitCode);
        Assert.Equal("done: survive", output);
        Assert.Equal(1, stepStarts);
    }

    [Fact]
    public async Task Sigterm_ActivityLongerThanGracePeriod_IsHandedBackAndRunsAfterRestart()
    {
        // The step must still be running when the grace period ends: from its start, the test reads the log line and
        // sends SIGTERM, and 0.3 s pass. The step runs twice, so it is long enough for that on a loaded machine, no longer.
        var (output, stepStarts, exitCode) = await RunThroughSigtermAsync(gracePeriod: "00:00:00.300", stepMilliseconds: 12_000);

        Assert.Equal(0, exitCode);
        Assert.Equal("done: survive", output);
        Assert.Equal(2, stepStarts);
    }

    private static async Task<(string? Output, int StepStarts, int ExitCode)> RunThroughSigtermAsync(string gracePeriod, int stepMilliseconds)
    {
        var directory = Directory.CreateTempSubdirectory("opsfunctions-sigterm-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["Keys__Admin"] = RunningHost.AdminKey,
            ["Keys__Function"] = RunningHost.FunctionKey,
            ["Approvals__SigningKey"] = "signing",
            ["extensions__durableTask__shutdownGracePeriod"] = gracePeriod,
        };
        try
        {
            string id;
            int exitCode;
            var stepStarts = 0;
            await using (var first = await HostProcess.StartAsync(directory, environment, Cancellation))
            {
                using var client = AdminClient(first);
                using var start = await client.PostAsJsonAsync(
                    "/runtime/webhooks/durabletask/orchestrators/SampleWorkflow",
                    new { message = "survive", stepMilliseconds },
                    Cancellation);
                id = (await start.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["id"]!.GetValue<string>();
                await first.WaitForMessageAsync(m => m.StartsWith("SampleStep started", StringComparison.Ordinal), Wait, Cancellation);

                exitCode = await first.TerminateAsync(Wait);
                stepStarts += first.Messages.Count(m => m.StartsWith("SampleStep started", StringComparison.Ordinal));
            }

            await using var second = await HostProcess.StartAsync(directory, environment, Cancellation);
            using var secondClient = AdminClient(second);
            var status = await Eventually.ReturnsAsync(
                async () => (await secondClient.GetFromJsonAsync<JsonObject>($"/runtime/webhooks/durabletask/instances/{id}", Cancellation))!
                    is var body && body["runtimeStatus"]!.GetValue<string>() is not ("Running" or "Pending") ? body : null,
                $"'{id}' to end on the restarted host");

            stepStarts += second.Messages.Count(m => m.StartsWith("SampleStep started", StringComparison.Ordinal));
            return (status["output"]?.GetValue<string>(), stepStarts, exitCode);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static HttpClient AdminClient(HostProcess host)
    {
        var client = new HttpClient { BaseAddress = host.BaseAddress };
        client.DefaultRequestHeaders.Add("x-functions-key", RunningHost.AdminKey);
        return client;
    }
}
