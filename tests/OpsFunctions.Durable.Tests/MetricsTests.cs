using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpsFunctions.Durable.Diagnostics;

namespace OpsFunctions.Durable.Tests;

public sealed class MetricsTests : OrchestrationTestBase
{
    [Fact]
    public async Task RecordEpisode_CompletedAndFailedInstances_CountsEachByName()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<int, int>("Half", (_, n) => n % 2 == 0 ? n / 2 : Throw<int>(new InvalidOperationException("odd")))
            .AddOrchestratorFunc<int, int>("Halve", (context, n) => context.CallActivityAsync<int>("Half", n)));
        var meter = host.Services.GetRequiredService<DurableMetrics>().Meter;
        using var started = new MetricCollector<long>(meter, "opsfunctions.orchestrations.started");
        using var completed = new MetricCollector<long>(meter, "opsfunctions.orchestrations.completed");
        using var failed = new MetricCollector<long>(meter, "opsfunctions.orchestrations.failed");
        using var durations = new MetricCollector<double>(meter, "opsfunctions.activity.duration");

        await RunAsync(host, "Halve", 4);
        await RunAsync(host, "Halve", 6);
        await RunAsync(host, "Halve", 3);

        Assert.Equal(3, started.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(2, completed.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, failed.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.All(completed.GetMeasurementSnapshot(), m => Assert.Equal("Halve", m.Tags["name"]));
        var activities = durations.GetMeasurementSnapshot();
        Assert.Equal(3, activities.Count);
        Assert.Equal(1, activities.Count(m => (string?)m.Tags["outcome"] == "failed"));
    }

    [Fact]
    public async Task RecordTimers_TimerReachedLate_RecordsHowLateByOrchestrator()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string>("Nap", async context =>
            {
                await context.CreateTimer(TimeSpan.FromMinutes(10), CancellationToken.None);
                return "rested";
            }));
        using var lateness = new MetricCollector<double>(host.Services.GetRequiredService<DurableMetrics>().Meter, "opsfunctions.timer.lateness");
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Nap", cancellation: Cancellation);
        await host.WaitForIdleAsync(Cancellation);

        // The clock jumps past the due time, as when the host was busy or down: the timer arrives 5 s late.
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(5), Cancellation);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await GetAsync(host, id)).RuntimeStatus);

        // The store's commit ends the episode for the test host; the worker records its metrics just after.
        await lateness.WaitForMeasurementsAsync(1, Eventually.Patience);
        var measurement = Assert.Single(lateness.GetMeasurementSnapshot());
        Assert.Equal(5, measurement.Value, precision: 3);
        Assert.Equal("Nap", measurement.Tags["name"]);
    }
}
