using OpsFunctions.Durable.History;
using Xunit;

namespace OpsFunctions.Testing.Storage;

/// <summary>
/// Assertions over a finished instance's history.
/// </summary>
public static class HistoryAssert
{
    /// <summary>Asserts one start, one completion, and every task scheduled and completed exactly once.</summary>
    /// <param name="instanceId">The instance, for messages.</param>
    /// <param name="history">Its history.</param>
    /// <param name="expectedTasks">How many tasks it schedules.</param>
    public static void EachEventOnce(string instanceId, IReadOnlyList<HistoryEvent> history, int expectedTasks)
    {
        Assert.Single(history.OfType<ExecutionStarted>());
        Assert.Single(history.OfType<ExecutionCompleted>());
        var scheduled = history.OfType<TaskScheduled>().Select(e => e.TaskId).ToList();
        var completed = history.OfType<TaskCompleted>().Select(e => e.TaskScheduledId).ToList();
        Assert.True(scheduled.Count == scheduled.Distinct().Count(), $"{instanceId}: a task was scheduled twice");
        Assert.True(completed.Count == completed.Distinct().Count(), $"{instanceId}: a task completion was recorded twice");
        Assert.Equal(expectedTasks, scheduled.Count);
        Assert.Equal(scheduled.Order(), completed.Order());
    }
}
