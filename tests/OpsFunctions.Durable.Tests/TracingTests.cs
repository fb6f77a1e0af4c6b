using System.Diagnostics;
using OpsFunctions.Durable.Diagnostics;

namespace OpsFunctions.Durable.Tests;

public sealed class TracingTests : OrchestrationTestBase
{
    private static readonly ActivitySource Caller = new("OpsFunctions.Durable.Tests.Caller");

    [Fact]
    public async Task CallActivityAsync_InstanceStartedInsideATrace_RunsActivitiesInThatTrace()
    {
        using var listener = Listen();
        var seen = new List<(ActivityTraceId TraceId, string? Span)>();
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<int, int>("Step", (_, n) =>
            {
                lock (seen)
                {
                    seen.Add((Activity.Current!.TraceId, Activity.Current.DisplayName));
                }

                return n + 1;
            })
            .AddOrchestratorFunc<int, int>("Child", (context, n) => context.CallActivityAsync<int>("Step", n))
            .AddOrchestratorFunc<int, int>("Parent", async (context, n) =>
            {
                var first = await context.CallActivityAsync<int>("Step", n);
                return await context.CallSubOrchestratorAsync<int>("Child", first);
            }));

        string id;
        ActivityTraceId traceId;
        using (var webhook = Caller.StartActivity("POST /api/deployments"))
        {
            traceId = webhook!.TraceId;
            id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent", 1, cancellation: Cancellation);
        }

        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal(3, result.ReadOutputAs<int>());
        Assert.Equal(2, seen.Count);
        Assert.All(seen, s => Assert.Equal(traceId, s.TraceId));
        Assert.All(seen, s => Assert.Equal("activity Step", s.Span));
    }

    [Fact]
    public async Task Episodes_InstanceStartedInsideATrace_AreSpansOfThatTrace()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = Listen(spans.Enqueue);
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<int, int>("Step", (_, n) => n + 1)
            .AddOrchestratorFunc<int, int>("Flow", (context, n) => context.CallActivityAsync<int>("Step", n)));

        string id;
        ActivityTraceId traceId;
        using (var webhook = Caller.StartActivity("POST /api/deployments"))
        {
            traceId = webhook!.TraceId;
            id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Flow", 1, cancellation: Cancellation);
        }

        await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Cancellation);
        await host.WaitForIdleAsync(Cancellation);

        var mine = spans.Where(s => (string?)s.GetTagItem("opsfunctions.instance_id") == id).ToList();
        Assert.Equal(2, mine.Count(s => s.DisplayName == "orchestration Flow"));
        Assert.Single(mine, s => s.DisplayName == "activity Step");
        Assert.All(mine, s => Assert.Equal(traceId, s.TraceId));
    }

    [Fact]
    public async Task CallActivityAsync_NoTraceAtStart_RunsWithoutAParentTrace()
    {
        using var listener = Listen();
        ActivityTraceId? traceId = null;
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<int, int>("Step", (_, n) =>
            {
                traceId = Activity.Current?.TraceId;
                return n;
            })
            .AddOrchestratorFunc<int, int>("Flow", (context, n) => context.CallActivityAsync<int>("Step", n)));
        var previous = Activity.Current;
        Activity.Current = null;

        await RunAsync(host, "Flow", 1);
        Activity.Current = previous;

        Assert.NotNull(traceId);
        var history = await host.Store.ReadHistoryAsync((await host.Client.GetAllInstancesAsync().FirstAsync(Cancellation)).InstanceId, Cancellation);
        Assert.Null(history.OfType<History.ExecutionStarted>().Single().TraceParent);
    }

    private static ActivityListener Listen(Action<Activity>? stopped = null)
    {
        // Create the caller's source before the listener: a source first created inside the listener's own
        // ShouldListenTo callback, while the listener is being added, is never listened to.
        var caller = Caller;
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == DurableTracing.SourceName || source == caller,
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
