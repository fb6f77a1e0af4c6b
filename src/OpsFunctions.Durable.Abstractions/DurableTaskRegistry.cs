using Microsoft.Extensions.DependencyInjection;

namespace OpsFunctions.Durable;

/// <summary>
/// The orchestrators and activities a worker can run, by name.
/// </summary>
public sealed class DurableTaskRegistry
{
    private readonly Dictionary<string, Func<IServiceProvider, ITaskOrchestrator>> _orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<IServiceProvider, ITaskActivity>> _activities = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the registered orchestrator factories by name.</summary>
    public IReadOnlyDictionary<string, Func<IServiceProvider, ITaskOrchestrator>> Orchestrators => _orchestrators;

    /// <summary>Gets the registered activity factories by name.</summary>
    public IReadOnlyDictionary<string, Func<IServiceProvider, ITaskActivity>> Activities => _activities;

    /// <summary>Registers an orchestrator under <c>typeof(T).Name</c>; a new instance runs every execution.</summary>
    /// <typeparam name="T">The orchestrator type.</typeparam>
    /// <returns>This registry.</returns>
    public DurableTaskRegistry AddOrchestrator<T>()
        where T : class, ITaskOrchestrator
        => AddOrchestrator(typeof(T).Name, static services => CreateInstance<T>(services));

    /// <summary>Registers an orchestrator factory under <paramref name="name"/>.</summary>
    /// <param name="name">The name.</param>
    /// <param name="factory">Creates the orchestrator.</param>
    /// <returns>This registry.</returns>
    public DurableTaskRegistry AddOrchestrator(TaskName name, Func<IServiceProvider, ITaskOrchestrator> factory)
    {
        Add(_orchestrators, name, factory, "orchestrator");
        return this;
    }

    /// <summary>Registers an orchestrator function.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TOutput">The output type.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="orchestrator">The function.</param>
    /// <returns>This registry.</returns>
    public DurableTaskRegistry AddOrchestratorFunc<TInput, TOutput>(TaskName name, Func<TaskOrchestrationContext, TInput, Task<TOutput>> orchestrator)
    {
        ArgumentNullException.ThrowIfNull(orchestrator);
        var instance = new FuncOrchestrator<TInput, TOutput>(orchestrator);
        return AddOrchestrator(name, _ => instance);
    }

    /// <summary>Registers a synchronous orchestrator function.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TOutput">The output type.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="orchestrator">The function.</param>
    /// <returns>This registry.</returns>
    public DurableTaskRegistry AddOrchestratorFunc<TInput, TOutput>(TaskName name, Func<TaskOrchestrationContext, TInput, TOutput> orchestrator)
    {
        ArgumentNullException.ThrowIfNull(orchestrator);
        return AddOrchestratorFunc<TInput, TOutput>(name, (context, input) => Task.FromResult(orchestrator(context, input)));
    }

    /// <summary>Registers an orchestrator function without input.</summary>
    /// <typeparam name="TOutput">The output type.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="orchestrator">The function.</param>
    /// <returns>This registry.</returns>
    public DurableTaskRegistry AddOrchestratorFunc<TOutput>(TaskName name, Func<TaskOrchestrationContext, Task<TOutput>> orchestrator)
    {
        ArgumentNullException.ThrowIfNull(orchestrator);
        return AddOrchestratorFunc<object?, TOutput>(name, (context, _) => orchestrator(context));
    }

    /// <summary>Registers an activity under <c>typeof(T).Name</c>, created from the service provider per call.</summary>
    /// <typeparam name="T">The activity type.</typeparam>
    /// <returns>This registry.</returns>
    public DurableTaskRegistry AddActivity<T>()
        where T : class, ITaskActivity
        => AddActivity(typeof(T).Name, static services => CreateInstance<T>(services));

    /// <summary>Registers an activity factory under <paramref name="name"/>.</summary>
    /// <param name="name">The name.</param>
    /// <param name="factory">Creates the activity.</param>
    /// <returns>This registry.</returns>
    public DurableTaskRegistry AddActivity(TaskName name, Func<IServiceProvider, ITaskActivity> factory)
    {
        Add(_activities, name, factory, "activity");
        return this;
    }

    /// <summary>Registers an activity function.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TOutput">The output type.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="activity">The function.</param>
    /// <returns>This registry.</returns>
    public DurableTaskRegistry AddActivityFunc<TInput, TOutput>(TaskName name, Func<TaskActivityContext, TInput, Task<TOutput>> activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var instance = new FuncActivity<TInput, TOutput>(activity);
        return AddActivity(name, _ => instance);
    }

    /// <summary>Registers a synchronous activity function.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TOutput">The output type.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="activity">The function.</param>
    /// <returns>This registry.</returns>
    public DurableTaskRegistry AddActivityFunc<TInput, TOutput>(TaskName name, Func<TaskActivityContext, TInput, TOutput> activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return AddActivityFunc<TInput, TOutput>(name, (context, input) => Task.FromResult(activity(context, input)));
    }

    private static T CreateInstance<T>(IServiceProvider services)
        where T : class
        => ActivatorUtilities.GetServiceOrCreateInstance<T>(services);

    private static void Add<T>(Dictionary<string, T> map, TaskName name, T factory, string kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name.Name, nameof(name));
        ArgumentNullException.ThrowIfNull(factory);
        if (!map.TryAdd(name.Name, factory))
        {
            throw new ArgumentException($"An {kind} named '{name.Name}' is already registered.", nameof(name));
        }
    }

    private sealed class FuncOrchestrator<TInput, TOutput>(Func<TaskOrchestrationContext, TInput, Task<TOutput>> run)
        : TaskOrchestrator<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input) => run(context, input);
    }

    private sealed class FuncActivity<TInput, TOutput>(Func<TaskActivityContext, TInput, Task<TOutput>> run)
        : TaskActivity<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => run(context, input);
    }
}
