using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;

namespace OpsFunctions.Bench.Dtfx;

/// <summary>
/// Gives the Durable Task Framework one registry orchestrator, wrapped by the official shim: a new orchestrator and shim
/// for each work item, as the framework expects of a creator (an orchestration object holds one instance's replay state).
/// </summary>
internal sealed class ShimOrchestrationCreator : ObjectCreator<TaskOrchestration>
{
    private readonly TaskName _name;
    private readonly IDurableTaskFactory _tasks;
    private readonly DurableTaskShimFactory _shims;
    private readonly IServiceProvider _services;
    private readonly CompletionSignals _completions;

    public ShimOrchestrationCreator(TaskName name, IDurableTaskFactory tasks, DurableTaskShimFactory shims, IServiceProvider services, CompletionSignals completions)
    {
        _name = name;
        _tasks = tasks;
        _shims = shims;
        _services = services;
        _completions = completions;

        // Instances are started and activities called unversioned, as the official client and shim do by default.
        Name = name.Name;
        Version = string.Empty;
    }

    public override TaskOrchestration Create()
        => _tasks.TryCreateOrchestrator(_name, _services, out var orchestrator)
            ? new SignalingOrchestration(_shims.CreateOrchestration(_name, orchestrator), _completions)
            : throw new InvalidOperationException($"no orchestrator '{_name}' in the registry");
}

/// <summary>Gives the Durable Task Framework one registry activity, wrapped by the official shim.</summary>
internal sealed class ShimActivityCreator : ObjectCreator<TaskActivity>
{
    private readonly TaskName _name;
    private readonly IDurableTaskFactory _tasks;
    private readonly DurableTaskShimFactory _shims;
    private readonly IServiceProvider _services;

    public ShimActivityCreator(TaskName name, IDurableTaskFactory tasks, DurableTaskShimFactory shims, IServiceProvider services)
    {
        _name = name;
        _tasks = tasks;
        _shims = shims;
        _services = services;
        Name = name.Name;
        Version = string.Empty;
    }

    public override TaskActivity Create()
        => _tasks.TryCreateActivity(_name, _services, out var activity)
            ? _shims.CreateActivity(_name, activity)
            : throw new InvalidOperationException($"no activity '{_name}' in the registry");
}
