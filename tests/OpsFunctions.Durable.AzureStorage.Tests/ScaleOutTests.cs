using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.CrashWorker;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Testing.Azure;
using OpsFunctions.Testing.Hosting;
using OpsFunctions.Testing.Storage;

namespace OpsFunctions.Durable.AzureStorage.Tests;

/// <summary>
/// Three worker processes share one task hub on Azurite and run 300 orchestrations (a chain of five activities, then a
/// fan-out of ten); one is killed with SIGKILL mid-run and started again. Every instance must complete with the right
/// output and no event recorded twice, and every process must have run part of the work.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ScaleOutTests
{
    private const int Instances = 300;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeHosts_OneKilledMidRun_CompleteEveryInstanceOnceAndShareTheWork()
    {
        var hub = AzuriteTaskHubs.NewHubName();
        await using var services = new ServiceCollection()
            .AddDurableTask(options => options.HubName = hub)
            .UseAzureStorage(await Azurite.EnsureStartedAsync())
            .Services.BuildServiceProvider();
        var store = (AzureDurableStore)services.GetRequiredService<IDurableStore>();
        await store.InitializeAsync(Ct);
        try
        {
            var client = services.GetRequiredService<DurableTaskClient>();
            for (var i = 0; i < Instances; i++)
            {
                await client.ScheduleNewOrchestrationInstanceAsync(nameof(Pipeline), i, new StartOrchestrationOptions($"crash-{i:D4}"), Ct);
            }

            var workers = Enumerable.Range(0, 3).Select(_ => Worker.Start(hub)).ToList();
            // Kill mid-run: once every host has taken a share and some instances are done, well before all are.
            // Between 30 and all 300 done lie thousands of activities, seconds of work for three hosts even when alone
            // on the machine: a loaded machine slows this check and the hosts alike.
            await Eventually.HappensAsync(
                async () => workers.All(w => w.ActivitiesRun > 0) && await CountCompletedAsync(store) >= 30,
                "every host running and 30 instances done",
                TimeSpan.FromMinutes(2));
            var victim = workers[1];
            victim.Process.Kill(entireProcessTree: true);
            await victim.Process.WaitForExitAsync(Ct);
            var completedAtKill = await CountCompletedAsync(store);
            Assert.InRange(completedAtKill, 30, Instances - 1);
            workers.Add(Worker.Start(hub));

            foreach (var worker in workers.Where(w => w != victim))
            {
                await worker.Process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromMinutes(5), Ct);
                Assert.True(worker.Process.ExitCode == 0, $"a worker exited with {worker.Process.ExitCode}: {worker.Errors}\n{await DescribeUnfinishedAsync(store)}");
            }

            for (var i = 0; i < Instances; i++)
            {
                var id = $"crash-{i:D4}";
                var instance = await store.GetInstanceAsync(id, includePayloads: true, Ct);
                Assert.Equal(OrchestrationRuntimeStatus.Completed, instance!.Status);
                Assert.Equal(Pipeline.Expected(i).ToString(CultureInfo.InvariantCulture), instance.Output);
                HistoryAssert.EachEventOnce(id, await store.ReadHistoryAsync(id, Ct), Pipeline.ActivityCount);
            }

            Assert.All(workers.Take(3), worker => Assert.True(worker.ActivitiesRun > 0, "a host ran no activity"));
            Assert.True(workers.Sum(w => w.ActivitiesRun) >= Instances * Pipeline.ActivityCount);
        }
        finally
        {
            await store.DeleteTaskHubAsync(CancellationToken.None);
        }
    }

    /// <summary>Says where unfinished instances stopped, so a failure can be diagnosed from its message.</summary>
    private static async Task<string> DescribeUnfinishedAsync(IDurableStore store)
    {
        var text = new StringBuilder();
        var page = await store.QueryInstancesAsync(new InstanceFilter { PageSize = Instances + 1 }, Ct);
        foreach (var instance in page.Instances.Where(i => i.Status != OrchestrationRuntimeStatus.Completed).Take(5))
        {
            var history = await store.ReadHistoryAsync(instance.InstanceId, Ct);
            text.Append(CultureInfo.InvariantCulture, $"{instance.InstanceId} {instance.Status} after {history.Count} events: ")
                .AppendJoin(", ", history.TakeLast(4).Select(e => e.GetType().Name))
                .AppendLine();
        }

        return text.ToString();
    }

    private static async Task<int> CountCompletedAsync(IDurableStore store)
    {
        var page = await store.QueryInstancesAsync(new InstanceFilter { Statuses = [OrchestrationRuntimeStatus.Completed], PageSize = Instances + 1 }, Ct);
        return page.Instances.Count;
    }

    /// <summary>A worker process and what it reports: activities run so far, and its error output.</summary>
    private sealed class Worker
    {
        private readonly StringBuilder _errors = new();
        private int _activitiesRun;

        private Worker(Process process)
        {
            Process = process;
            _ = ReadOutputAsync();
            _ = ReadErrorsAsync();
        }

        public Process Process { get; }

        public int ActivitiesRun => Volatile.Read(ref _activitiesRun);

        public string Errors
        {
            get
            {
                lock (_errors)
                {
                    return _errors.ToString();
                }
            }
        }

        public static Worker Start(string hub) => new(CrashWorkerProcess.Start("azurite:" + hub, Instances, "--progress"));

        private async Task ReadOutputAsync()
        {
            while (await Process.StandardOutput.ReadLineAsync() is { } line)
            {
                var at = line.IndexOf("progress ", StringComparison.Ordinal);
                if (at >= 0 && int.TryParse(line.AsSpan(at + "progress ".Length), CultureInfo.InvariantCulture, out var count))
                {
                    Volatile.Write(ref _activitiesRun, count);
                }
                else
                {
                    // Log lines (warnings and up) land on standard output: keep them for the failure message.
                    Append(line);
                }
            }
        }

        private async Task ReadErrorsAsync()
        {
            while (await Process.StandardError.ReadLineAsync() is { } line)
            {
                Append(line);
            }
        }

        private void Append(string line)
        {
            lock (_errors)
            {
                if (_errors.Length < 20_000)
                {
                    _errors.AppendLine(line);
                }
            }
        }
    }
}
