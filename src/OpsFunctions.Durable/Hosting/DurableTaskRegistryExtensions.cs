namespace OpsFunctions.Durable;

/// <summary>
/// Questions a host asks of the official <see cref="DurableTaskRegistry"/>.
/// </summary>
public static class DurableTaskRegistryExtensions
{
    /// <summary>Gets a value indicating whether an orchestrator is registered under <paramref name="name"/> (case-insensitive).</summary>
    /// <param name="registry">The registry.</param>
    /// <param name="name">The orchestrator name.</param>
    /// <returns>Whether it is registered.</returns>
    public static bool HasOrchestrator(this DurableTaskRegistry registry, string name)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return !string.IsNullOrEmpty(name) && registry.GetOrchestrators().Any(entry => entry.Key == new TaskName(name));
    }
}
