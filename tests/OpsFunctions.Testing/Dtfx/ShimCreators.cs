using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;

namespace OpsFunctions.Testing.Dtfx;

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
    private readonly InstanceSignals _signals;

    public ShimOrchestrationCreator(TaskName name, IDurableTaskFactory tasks, DurableTaskShimFactory shims, IServiceProvider services, InstanceSignals signals)
    {
        _name = name;
        _tasks = tasks;
        _shims = shims;
        _services = services;
        _signals = signals;

        // Instances are started and activities called unversioned, as the official client and shim do by default.
        Name = name.Name;
        Version = string.Empty;
    }

    public override TaskOrchestration Create()
        => _tasks.TryCreateOrchestrator(_name, _services, out var orchestrator)
            ? new SignalingOrchestration(_shims.CreateOrchestration(_name, orchestrator), _signals)
            : throw new InvalidOperationException($"no orchestrator '{_name}' in the registry");
}

/// <summary>
/// Gives the Durable Task Framework one registry activity, wrapped by the official shim. Each run creates the activity
/// in a service scope of its own, disposed when the run ends, as the official worker does: an activity's dependencies
/// come from the host's service provider.
/// </summary>
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

    public override TaskActivity Create() => new ScopedActivity(this);

    private sealed class ScopedActivity(ShimActivityCreator creator) : TaskActivity
    {
        public override string Run(TaskContext context, string input)
            => throw new NotSupportedException("The framework runs activities through RunAsync.");

        public override async Task<string> RunAsync(TaskContext context, string input)
        {
            var scope = creator._services.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var shim = creator._tasks.TryCreateActivity(creator._name, scope.ServiceProvider, out var activity)
                    ? creator._shims.CreateActivity(creator._name, activity)
                    : throw new InvalidOperationException($"no activity '{creator._name}' in the registry");
                return await shim.RunAsync(context, input).ConfigureAwait(false);
            }
        }
    }
}
