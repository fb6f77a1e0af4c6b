using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsFunctions.FunctionApp.Schedules;
using OpsFunctions.Operations.Durability;
using OpsFunctions.Operations.Samples;
using OpsFunctions.Operations.Schedules;

namespace OpsFunctions.FunctionApp.Tests;

/// <summary>The minute timer starts each configured occurrence that fell due, once, whatever the tick's timing.</summary>
public sealed class ScheduleFunctionTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Due = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Due.AddSeconds(20));
    private readonly ServiceProvider _services;
    private readonly Mock<DurableTaskClient> _client = new("test") { CallBase = true };
    private readonly HashSet<string> _scheduled = new(StringComparer.Ordinal);

    public ScheduleFunctionTests()
    {
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(_time)
            .AddFunctionAppServices(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Schedules:daily-report:Cron"] = "0 0 8 * * *",
                    ["Schedules:daily-report:Orchestrator"] = nameof(SampleWorkflow),
                    ["Schedules:daily-report:Input"] = """{"message":"daily"}""",
                })
                .Build())
            .BuildServiceProvider();

        // The store's rule: an id that exists cannot be started again, so a second claim of an occurrence fails.
        _client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TaskName _, object? _, StartOrchestrationOptions? options, CancellationToken _) =>
                _scheduled.Add(options!.InstanceId!) ? options.InstanceId! : throw new DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException("exists"));
    }

    [Fact]
    public async Task Tick_AfterAnOccurrence_StartsItUnderItsOccurrenceId()
    {
        await ScheduleFunctions.Run(new TimerInfo(), _client.Object, Invocation());

        var instanceId = ScheduleStarter.InstanceId("daily-report", Due);
        Assert.Equal("schedule-daily-report-20261201T080000Z", instanceId);
        _client.Verify(
            c => c.ScheduleNewOrchestrationInstanceAsync(nameof(SampleWorkflow), It.IsAny<object?>(), It.Is<StartOrchestrationOptions?>(o => o!.InstanceId == instanceId), It.IsAny<CancellationToken>()),
            Times.Once);
    }

    [Fact]
    public async Task Tick_TwiceForTheSameOccurrence_StartsItOnce()
    {
        await ScheduleFunctions.Run(new TimerInfo(), _client.Object, Invocation());
        _time.Advance(TimeSpan.FromMinutes(1));
        await ScheduleFunctions.Run(new TimerInfo(), _client.Object, Invocation());

        _client.Verify(
            c => c.ScheduleNewOrchestrationInstanceAsync(nameof(SampleWorkflow), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()),
            Times.Once);
        _client.Verify(
            c => c.ScheduleNewOrchestrationInstanceAsync(nameof(OnceMarker), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()),
            Times.Exactly(2));
    }

    [Fact]
    public async Task Tick_PastTheLookback_StartsNothing()
    {
        _time.Advance(ScheduleFunctions.Lookback);

        await ScheduleFunctions.Run(new TimerInfo(), _client.Object, Invocation());

        _client.Verify(
            c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()),
            Times.Never);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private FunctionContext Invocation()
    {
        var invocation = new Mock<FunctionContext>();
        invocation.SetupGet(c => c.InstanceServices).Returns(_services);
        return invocation.Object;
    }
}
