using System.Diagnostics.CodeAnalysis;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;

namespace OpsFunctions.Testing.Dtfx;

/// <summary>
/// The official registry's tasks as an <see cref="IDurableTaskFactory"/>. The registry's own build of one
/// (<c>BuildFactory</c>) is internal to the official packages, so this one is made from the registry's public enumerations.
/// </summary>
internal sealed class RegistryTaskFactory : IDurableTaskFactory
{
    private readonly Dictionary<TaskName, Func<IServiceProvider, ITaskOrchestrator>> _orchestrators;
    private readonly Dictionary<TaskName, Func<IServiceProvider, ITaskActivity>> _activities;

    public RegistryTaskFactory(DurableTaskRegistry registry)
    {
        // The public enumerations carry names, not versions: a name registered under two versions is refused here
        // (ToDictionary throws) rather than resolved to whichever came first.
        _orchestrators = registry.GetOrchestrators().ToDictionary(pair => pair.Key, pair => pair.Value);
        _activities = registry.GetActivities().ToDictionary(pair => pair.Key, pair => pair.Value);
    }

    /// <summary>Gets the names of the registered orchestrators.</summary>
    public IReadOnlyCollection<TaskName> Orchestrators => _orchestrators.Keys;

    /// <summary>Gets the names of the registered activities.</summary>
    public IReadOnlyCollection<TaskName> Activities => _activities.Keys;

    public bool TryCreateOrchestrator(TaskName name, IServiceProvider serviceProvider, [NotNullWhen(true)] out ITaskOrchestrator? orchestrator)
    {
        orchestrator = _orchestrators.TryGetValue(name, out var create) ? create(serviceProvider) : null;
        return orchestrator is not null;
    }

    public bool TryCreateActivity(TaskName name, IServiceProvider serviceProvider, [NotNullWhen(true)] out ITaskActivity? activity)
    {
        activity = _activities.TryGetValue(name, out var create) ? create(serviceProvider) : null;
        return activity is not null;
    }
}
