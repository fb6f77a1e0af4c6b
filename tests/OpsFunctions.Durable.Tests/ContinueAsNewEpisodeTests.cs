using Microsoft.Extensions.Logging.Abstractions;
using OpsFunctions.Durable.Execution;
using OpsFunctions.Durable.History;

namespace OpsFunctions.Durable.Tests;

/// <summary>
/// Events that arrive in the same episode as the one an orchestration continues as new on: Durable Functions carries
/// them to the next execution when unprocessed events are preserved, and drops them when they are not.
/// </summary>
public sealed class ContinueAsNewEpisodeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(true, new[] { "second", "third" })]
    [InlineData(false, new string[0])]
    public void Execute_EventsAfterTheOneItContinuesOn_AreCarriedWhenPreserved(bool preserve, string[] expected)
    {
        var executor = new OrchestrationExecutor(
            "tick-1", new TaskName("Tick"), new ContinueOnFirstTick(preserve), JsonDataConverter.Default, NullLoggerFactory.Instance);

        var result = executor.Execute(
            [],
            [
                new OrchestratorStarted { Timestamp = Now },
                new ExecutionStarted("Tick", "e1", "0") { Timestamp = Now },
                new EventRaised("ev-1", "Tick", "\"first\"") { Timestamp = Now },
                new EventRaised("ev-2", "Tick", "\"second\"") { Timestamp = Now },
                new EventRaised("ev-3", "Tick", "\"third\"") { Timestamp = Now },
            ]);

#pragma warning disable CS0618 // The official status is obsolete for clients; the engine records it between executions.
        Assert.Equal(OrchestrationRuntimeStatus.ContinuedAsNew, result.Outcome!.Status);
#pragma warning restore CS0618
        Assert.Equal(3, result.ConsumedNewEvents);
        Assert.Equal(expected, result.Outcome.CarriedEvents.Select(e => JsonDataConverter.Default.Deserialize<string>(e.Input)).ToArray());
    }

    /// <summary>Waits for one tick and continues as new on it.</summary>
    private sealed class ContinueOnFirstTick(bool preserve) : TaskOrchestrator<int, int>
    {
        public override async Task<int> RunAsync(TaskOrchestrationContext context, int generation)
        {
            await context.WaitForExternalEvent<string>("Tick");
            context.ContinueAsNew(new ContinueAsNewOptions { NewInput = generation + 1, PreserveUnprocessedEvents = preserve });
            return generation;
        }
    }
}
