using OpsFunctions.Durable.History;

namespace OpsFunctions.Durable.Tests;

/// <summary>
/// Pins the serialized history format: stored histories must stay readable by every later version.
/// A failure here means the wire contract changed; add a new golden file instead of editing this one.
/// </summary>
public sealed class HistoryContractTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    private static readonly HistoryEvent[] OneOfEach =
    [
        new OrchestratorStarted { Timestamp = At },
        new ExecutionStarted("Incident", "e1", "{\"severity\":\"critical\"}", new ParentInstance("p", "pe", 3)) { Timestamp = At },
        new TaskScheduled(0, "Notify", "\"slack\"") { Timestamp = At },
        new TaskCompleted(0, "true") { Timestamp = At },
        new TaskFailed(1, new TaskFailureDetails("System.TimeoutException", "slow", "at X", new TaskFailureDetails("Inner", "cause", null, null, null), null)) { Timestamp = At },
        new TimerCreated(2, At.AddMinutes(15)) { Timestamp = At },
        new TimerFired(2, At.AddMinutes(15)) { Timestamp = At },
        new EventRaised("ev1", "acknowledged", "\"alice\"") { Timestamp = At },
        new SubOrchestrationInstanceCreated(3, "Escalation", "i:0003", null) { Timestamp = At },
        new SubOrchestrationInstanceCompleted(3, "1") { Timestamp = At },
        new SubOrchestrationInstanceFailed(4, new TaskFailureDetails("Terminated", "stopped", null, null, null)) { Timestamp = At },
        new ExecutionSuspended("maintenance") { Timestamp = At },
        new ExecutionResumed(null) { Timestamp = At },
        new ExecutionTerminated("\"operator\"") { Timestamp = At },
        new ExecutionCompleted(OrchestrationRuntimeStatus.Completed, "\"done\"") { Timestamp = At },
    ];

    [Fact]
    public void Serialize_EveryEventType_MatchesGoldenFile()
    {
        var actual = string.Join('\n', OneOfEach.Select(HistorySerializer.Serialize)) + "\n";
        var golden = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "history-v1.jsonl"));

        Assert.Equal(golden, actual);
    }

    [Fact]
    public void Deserialize_GoldenFile_RoundTripsEveryEvent()
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Golden", "history-v1.jsonl"));

        var events = lines.Select(HistorySerializer.DeserializeEvent).ToArray();

        Assert.Equal(OneOfEach, events, new RecordComparer());
    }

    private sealed class RecordComparer : IEqualityComparer<HistoryEvent>
    {
        public bool Equals(HistoryEvent? x, HistoryEvent? y)
            => x is not null && y is not null && HistorySerializer.Serialize(x) == HistorySerializer.Serialize(y) && x.GetType() == y.GetType();

        public int GetHashCode(HistoryEvent obj) => obj.GetType().GetHashCode();
    }
}
