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
}
