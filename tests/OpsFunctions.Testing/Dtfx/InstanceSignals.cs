using System.Collections.Concurrent;
using DurableTask.Core;

namespace OpsFunctions.Testing.Dtfx;

/// <summary>
/// Tells a waiting client that an orchestrator function in this process has returned (ended, or continued as new), so
/// the client reads the instance's state then instead of on a fixed poll. The framework's own wait
/// (<c>WaitForOrchestrationAsync</c> on Azure Storage) reads every 2 seconds, which would put a 2-second grain on every
/// latency measured and on every test step; reading often enough to avoid that for 100 instances at once would load the
/// same storage emulator the framework works against. The project's engine wakes its client the same way, from its
/// workers in the same process.
/// </summary>
internal sealed class InstanceSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _next = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets a task that completes when the instance's orchestrator function next returns, or has returned since the last
    /// <see cref="Consume"/>. The first call starts listening: call it before the instance is scheduled, so a quick end is
    /// not missed.
    /// </summary>
    public Task Next(string instanceId)
        => _next.GetOrAdd(instanceId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Marks the return that <paramref name="seen"/> reported as handled: the next <see cref="Next"/> waits for another.</summary>
    public void Consume(string instanceId, Task seen)
    {
        if (_next.TryGetValue(instanceId, out var returned) && returned.Task == seen)
        {
            _next.TryRemove(KeyValuePair.Create(instanceId, returned));
        }
    }

    /// <summary>Stops listening for <paramref name="instanceId"/>.</summary>
    public void Forget(string instanceId) => _next.TryRemove(instanceId, out _);

    /// <summary>Notes that the instance's orchestrator function has returned; its state is committed shortly after.</summary>
    /// <remarks>Instances nobody listens for are not remembered.</remarks>
    public void Signal(string instanceId)
    {
        if (_next.TryGetValue(instanceId, out var returned))
        {
            returned.TrySetResult();
        }
    }
}

/// <summary>
/// Passes an orchestration through unchanged, and signals <see cref="InstanceSignals"/> when its function has returned.
/// The framework gets the very task the shim returned: the signal is a continuation beside it, not in its path.
/// </summary>
internal sealed class SignalingOrchestration(TaskOrchestration inner, InstanceSignals signals) : TaskOrchestration
{
    public override Task<string> Execute(OrchestrationContext context, string input)
    {
        var execution = inner.Execute(context, input);
        var instanceId = context.OrchestrationInstance.InstanceId;
        _ = execution.ContinueWith(
            _ => signals.Signal(instanceId),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return execution;
    }

    public override void RaiseEvent(OrchestrationContext context, string name, string input) => inner.RaiseEvent(context, name, input);

    public override string GetStatus() => inner.GetStatus();
}
