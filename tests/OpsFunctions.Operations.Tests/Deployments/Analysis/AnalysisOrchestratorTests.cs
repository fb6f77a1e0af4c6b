using System.Collections.Concurrent;
using OpsFunctions.Durable;
using OpsFunctions.Operations.Deployments;
using OpsFunctions.Operations.Deployments.Analysis;
using OpsFunctions.Testing.Hosting;

namespace OpsFunctions.Operations.Tests.Deployments.Analysis;

/// <summary>The analysis orchestration on the time-skipping host, with a fake measuring activity that plays a script.</summary>
public sealed class AnalysisOrchestratorTests
{
    private const string InstanceId = "analysis-1";
    private static readonly DateTimeOffset Start = DurableTestHost.DefaultStartTime;
    private static readonly AnalysisTarget Target = new("checkout", "track=\"canary\"", "track=\"stable\"", 10);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static AnalysisTemplate Template(string name, int? count, int intervalMinutes = 1) => new()
    {
        Name = name,
        Query = "q",
        FailureCondition = "result > 1",
        Count = count,
        Interval = TimeSpan.FromMinutes(intervalMinutes),
    };

    /// <summary>
    /// A host whose <see cref="MeasureAnalysis"/> answers <paramref name="script"/>(template, 1-based measurement
    /// number), recording every input; <paramref name="onMeasure"/> runs inside the activity first.
    /// </summary>
    private static async Task<(DurableTestHost Host, ConcurrentQueue<MeasureAnalysisInput> Calls)> CreateSut(
        Func<string, int, MeasurementPhase>? script = null, Func<DurableTaskClient, MeasureAnalysisInput, int, Task>? onMeasure = null)
    {
        var calls = new ConcurrentQueue<MeasureAnalysisInput>();
        var counts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        DurableTestHost? host = null;
        host = await DurableTestHost.StartAsync(
            tasks => tasks
                .AddOrchestrator<AnalysisOrchestrator>()
                .AddActivityFunc<MeasureAnalysisInput, Measurement>(nameof(MeasureAnalysis), async (_, input) =>
                {
                    calls.Enqueue(input);
                    var n = counts.AddOrUpdate(input.Template.Name, 1, (_, c) => c + 1);
                    if (onMeasure is not null)
                    {
                        await onMeasure(host!.Client, input, n);
                    }

                    var phase = script?.Invoke(input.Template.Name, n) ?? MeasurementPhase.Successful;
                    return new Measurement(input.At, phase, phase == MeasurementPhase.Failed ? 2 : 0.5, Message: $"{input.Template.Name} #{n}");
                }),
            cancellationToken: Cancellation);
        return (host, calls);
    }

    private static async Task<string> StartAsync(DurableTestHost host, params AnalysisTemplate[] templates)
    {
        await host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(AnalysisOrchestrator), new AnalysisInput { Templates = templates, Target = Target, ParentId = "rollout-1" }, new StartOrchestrationOptions(InstanceId), Cancellation);
        await host.WaitForIdleAsync(Cancellation);
        return InstanceId;
    }

    private static async Task<IReadOnlyList<AnalysisResult>> OutputAsync(DurableTestHost host)
    {
        var done = await host.Client.WaitForInstanceCompletionAsync(InstanceId, getInputsAndOutputs: true, Cancellation);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        return done.ReadOutputAs<List<AnalysisResult>>()!;
    }

    private static async Task<OrchestrationMetadata> InstanceAsync(DurableTestHost host)
        => (await host.Client.GetInstanceAsync(InstanceId, getInputsAndOutputs: true, Cancellation))!;

    [Fact]
    public async Task Run_CountReached_IsSuccessfulWithOneMeasurementPerIntervalAfterTheFirstInterval()
    {
        var (host, calls) = await CreateSut();
        await using var _ = host;
        await StartAsync(host, Template("error-rate", count: 3));

        Assert.Empty(calls);
        await host.AdvanceTimeAsync(TimeSpan.FromSeconds(59), Cancellation);
        Assert.Empty(calls);
        await host.AdvanceTimeAsync(TimeSpan.FromSeconds(1), Cancellation);
        var status = (await InstanceAsync(host)).ReadCustomStatusAs<List<AnalysisResult>>()!;
        Assert.Equal((AnalysisPhase.Running, 1), (Assert.Single(status).Phase, status[0].Measurements.Count));
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(2), Cancellation);

        var result = Assert.Single(await OutputAsync(host));
        Assert.Equal(("error-rate", AnalysisPhase.Successful, "3 of 3 measurements: 3 successful"), (result.Template, result.Phase, result.Message));
        Assert.Equal([Start.AddMinutes(1), Start.AddMinutes(2), Start.AddMinutes(3)], result.Measurements.Select(m => m.At));
        Assert.Equal([Start.AddMinutes(1), Start.AddMinutes(2), Start.AddMinutes(3)], calls.Select(c => c.At));
        Assert.All(calls, c => Assert.Equal(Target, c.Target));
    }

    [Fact]
    public async Task Run_OneTemplateFails_StopsTheOthersAndReturnsAtOnce()
    {
        var (host, calls) = await CreateSut((template, n) => template == "latency-p95" && n == 2 ? MeasurementPhase.Failed : MeasurementPhase.Successful);
        await using var _ = host;
        await StartAsync(host, Template("error-rate", count: 10), Template("latency-p95", count: 10, intervalMinutes: 2));

        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(4), Cancellation);

        var results = await OutputAsync(host);
        Assert.Equal(["error-rate", "latency-p95"], results.Select(r => r.Template));
        Assert.Equal((AnalysisPhase.Running, 4), (results[0].Phase, results[0].Measurements.Count));
        Assert.Equal("stopped: latency-p95 is Failed; 4 of 10 measurements: 4 successful", results[0].Message);
        Assert.Equal((AnalysisPhase.Failed, 2), (results[1].Phase, results[1].Measurements.Count));
        Assert.Equal([Start.AddMinutes(2), Start.AddMinutes(4)], results[1].Measurements.Select(m => m.At));
        Assert.StartsWith("1 failed > failureLimit 0", results[1].Message, StringComparison.Ordinal);

        // Nothing is measured after the failure.
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(10), Cancellation);
        Assert.Equal(6, calls.Count);
    }

    [Fact]
    public async Task Run_TooManyInconclusive_ReturnsInconclusive()
    {
        var (host, _) = await CreateSut((_, n) => n == 3 ? MeasurementPhase.Inconclusive : MeasurementPhase.Successful);
        await using var __ = host;
        await StartAsync(host, Template("error-rate", count: 5));

        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(3), Cancellation);

        Assert.Equal(AnalysisPhase.Inconclusive, Assert.Single(await OutputAsync(host)).Phase);
    }

    [Fact]
    public async Task Run_Background_RunsUntilStopped()
    {
        var (host, _) = await CreateSut();
        await using var _ = host;
        await StartAsync(host, Template("error-rate", count: null));

        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(10), Cancellation);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await InstanceAsync(host)).RuntimeStatus);
        await host.Client.RaiseEventAsync(InstanceId, AnalysisEvents.Stop, new AnalysisStop("promoted"), Cancellation);

        var result = Assert.Single(await OutputAsync(host));
        Assert.Equal((AnalysisPhase.Running, 10), (result.Phase, result.Measurements.Count));
        Assert.Equal("stopped: promoted; 10 measurements: 10 successful", result.Message);
    }

    [Fact]
    public async Task Run_ThreeHundredMeasurements_ContinuesAsNewWithBoundedHistoryAndKeepsTheCounts()
    {
        var (host, calls) = await CreateSut((_, n) => n % 7 == 0 ? MeasurementPhase.Error : MeasurementPhase.Successful);
        await using var _ = host;
        await StartAsync(host, Template("error-rate", count: null));

        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(300), Cancellation);

        Assert.Equal(300, calls.Count);
        var instance = await InstanceAsync(host);
        Assert.Equal(OrchestrationRuntimeStatus.Running, instance.RuntimeStatus);
        var run = Assert.Single(instance.ReadInputAs<AnalysisInput>()!.Runs!);
        Assert.Equal((300, 42), (run.Tally.Taken, run.Tally.Errors));
        Assert.Equal(AnalysisConstants.MeasurementsKept, run.Measurements.Count);
        Assert.Equal(Start.AddMinutes(300), run.Measurements[^1].At);
        Assert.Equal(Start.AddMinutes(301), run.NextAt);

        // The execution running now holds at most one execution's worth of measurements, not 300.
        var history = await host.Store.ReadHistoryAsync(InstanceId, Cancellation);
        Assert.InRange(history.Count, 1, AnalysisConstants.MeasurementsPerExecution * 8);

        await host.Client.RaiseEventAsync(InstanceId, AnalysisEvents.Stop, null, Cancellation);
        var result = Assert.Single(await OutputAsync(host));
        Assert.Equal("stopped; 300 measurements: 258 successful, 42 errors", result.Message);
        Assert.Equal(AnalysisConstants.MeasurementsKept, result.Measurements.Count);
    }

    [Fact]
    public async Task Run_StopArrivesDuringTheMeasurementBeforeContinueAsNew_IsNotLost()
    {
        var (host, _) = await CreateSut(onMeasure: async (client, input, n) =>
        {
            if (n == AnalysisConstants.MeasurementsPerExecution)
            {
                await client.RaiseEventAsync(InstanceId, AnalysisEvents.Stop, new AnalysisStop("done"), Cancellation);
            }
        });
        await using var _ = host;
        await StartAsync(host, Template("error-rate", count: null));

        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(AnalysisConstants.MeasurementsPerExecution + 5), Cancellation);

        var result = Assert.Single(await OutputAsync(host));
        Assert.StartsWith("stopped: done; ", result.Message, StringComparison.Ordinal);
        Assert.InRange(AnalysisTally.Of(result.Measurements).Taken, 1, AnalysisConstants.MeasurementsKept);
    }

    [Fact]
    public async Task Run_NoTemplates_ReturnsNothing()
    {
        var (host, _) = await CreateSut();
        await using var _ = host;
        await StartAsync(host);

        Assert.Empty(await OutputAsync(host));
    }
}
