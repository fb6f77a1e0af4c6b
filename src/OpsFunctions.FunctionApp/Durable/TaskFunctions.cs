using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace OpsFunctions.FunctionApp.Durable;

/// <summary>
/// What the [Function] wrappers run. Durable Functions finds orchestrators and activities only through functions with
/// an orchestration or activity trigger; Microsoft.DurableTask.Generators writes those wrappers for class-based tasks,
/// but the package feed does not serve it, so the wrappers are written by hand in the generator's shape and share this.
/// </summary>
public static class TaskFunctions
{
    /// <summary>
    /// Runs <paramref name="orchestrator"/> on the trigger's context with the instance's input. The orchestrator's own
    /// task is returned, not awaited: its continuations stay on the replay scheduler.
    /// </summary>
    public static Task<TOutput> RunOrchestratorAsync<TInput, TOutput>(TaskOrchestrationContext context, TaskOrchestrator<TInput, TOutput> orchestrator)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(orchestrator);
        return orchestrator.RunAsync(context, context.GetInput<TInput>()!);
    }

    /// <summary>
    /// Builds <typeparamref name="TActivity"/> from the invocation's services, as the worker's registry would, and runs it.
    /// </summary>
    /// <param name="name">The activity's name: the function's name.</param>
    /// <param name="input">The trigger's input.</param>
    /// <param name="instanceId">The orchestration instance that called the activity (the trigger's binding data).</param>
    /// <param name="executionContext">The invocation.</param>
    /// <param name="arguments">
    /// Constructor arguments the services cannot give: in the isolated worker a <see cref="Microsoft.DurableTask.Client.DurableTaskClient"/>
    /// comes only from a [DurableClient] binding, not from dependency injection.
    /// </param>
    public static Task<TOutput> RunActivityAsync<TActivity, TInput, TOutput>(
        string name, TInput input, string instanceId, FunctionContext executionContext, params object[] arguments)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        ArgumentNullException.ThrowIfNull(executionContext);
        var services = executionContext.InstanceServices;
        var activity = arguments.Length == 0
            ? ActivatorUtilities.GetServiceOrCreateInstance<TActivity>(services)
            : ActivatorUtilities.CreateInstance<TActivity>(services, arguments);
        return activity.RunAsync(new FunctionActivityContext(name, instanceId), input);
    }

    /// <summary>The activity context the generator's wrappers make: the name and the calling instance.</summary>
    private sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name { get; } = name;

        public override string InstanceId { get; } = instanceId;
    }
}
