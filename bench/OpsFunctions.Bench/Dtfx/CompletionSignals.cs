using System.Collections.Concurrent;
using DurableTask.Core;

namespace OpsFunctions.Bench.Dtfx;

/// <summary>
/// Tells a waiting client that an orchestrator function in this process has returned, so the client reads the instance's
/// state then instead of on a fixed poll. The framework's own wait (<c>WaitForOrchestrationAsync</c> on Azure Storage)
/// reads every 2 seconds, which would put a 2-second grain on every latency measured; reading often enough to avoid that
/// for 100 instances at once would load the same storage emulator the framework works against. The project's engine
/// wakes its client the same way, from its workers in the same process.
/// </summary>
internal sealed class CompletionSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new();

    /// <summary>Starts listening for <paramref name="instanceId"/>: before it is scheduled, so a quick end is not missed.</summary>
    public void Listen(string instanceId)
        => _waiting.TryAdd(instanceId, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Gets a task that completes when the instance's orchestrator function has returned or thrown.</summary>
    public Task Returned(string instanceId)
        => _waiting.TryGetValue(instanceId, out var returned) ? returned.Task : Task.CompletedTask;

    /// <summary>Stops listening for <paramref name="instanceId"/>.</summary>
    public void Forget(string instanceId) => _waiting.TryRemove(instanceId, out _);

    /// <summary>Notes that the instance's orchestrator function has returned; its state is committed shortly after.</summary>
    public void Signal(string instanceId)
    {
        if (_waiting.TryGetValue(instanceId, out var returned))
        {
            returned.TrySetResult();
        }
    }
}

/// <summary>
/// Passes an orchestration through unchanged, and signals <see cref="CompletionSignals"/> when its function has ended.
/// The framework gets the very task the shim returned: the signal is a continuation beside it, not in its path.
/// </summary>
internal sealed class SignalingOrchestration(TaskOrchestration inner, CompletionSignals completions) : TaskOrchestration
{
    public override Task<string> Execute(OrchestrationContext context, string input)
    {
        var execution = inner.Execute(context, input);
        var instanceId = context.OrchestrationInstance.InstanceId;
        _ = execution.ContinueWith(
            _ => completions.Signal(instanceId),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return execution;
    }

    public override void RaiseEvent(OrchestrationContext context, string name, string input) => inner.RaiseEvent(context, name, input);

    public override string GetStatus() => inner.GetStatus();
}
