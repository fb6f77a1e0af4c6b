using System.Collections.Concurrent;
using System.Diagnostics;

namespace OpsFunctions.Bench;

/// <summary>
/// The orchestrators and activities of the chain, start-latency and fan-out workloads, written against the official
/// <c>Microsoft.DurableTask</c> registry: the project's engine and DTFx run the very same code.
/// </summary>
internal static class WorkloadTasks
{
    /// <summary>"Chain" calls "Next" as many times as its input says, one after another, and returns the count.</summary>
    public static void AddChain(DurableTaskRegistry tasks) => tasks
        .AddActivityFunc<int, int>("Next", (_, n) => n + 1)
        .AddOrchestratorFunc<int, int>("Chain", async (context, count) =>
        {
            var value = 0;
            for (var i = 0; i < count; i++)
            {
                value = await context.CallActivityAsync<int>("Next", value);
            }

            return value;
        });

    /// <summary>"FanOut" calls "Square" for 0 to its input minus one, all at once, and returns the sum.</summary>
    public static void AddFanOut(DurableTaskRegistry tasks) => tasks
        .AddActivityFunc<int, int>("Square", (_, n) => n * n)
        .AddOrchestratorFunc<int, long>("FanOut", async (context, count) =>
        {
            var results = await Task.WhenAll(Enumerable.Range(0, count).Select(n => context.CallActivityAsync<int>("Square", n)));
            return results.Sum(n => (long)n);
        });

    /// <summary>
    /// "Steps" calls "Step" <paramref name="activities"/> times, one after another; the first call of each run (the
    /// orchestration's input) notes in <paramref name="firstActivity"/> when it began.
    /// </summary>
    public static Action<DurableTaskRegistry> Steps(int activities, ConcurrentDictionary<int, long> firstActivity) => tasks => tasks
        .AddActivityFunc<int[], int>("Step", (_, input) =>
        {
            firstActivity.TryAdd(input[0], Stopwatch.GetTimestamp());
            return input[1] + 1;
        })
        .AddOrchestratorFunc<int, int>("Steps", async (context, run) =>
        {
            var value = 0;
            for (var i = 0; i < activities; i++)
            {
                value = await context.CallActivityAsync<int>("Step", new[] { run, value });
            }

            return value;
        });
}
