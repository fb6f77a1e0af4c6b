namespace OpsFunctions.Durable.Storage;

/// <summary>
/// Optional for a store that hands work to this process's worker before it reaches shared storage: it can tell
/// whether it holds work for an instance. A client waiting on such an instance need not read the store, since the
/// worker here announces its commit.
/// </summary>
public interface ILocalWorkStore
{
    /// <summary>Whether this process holds a message or activity of <paramref name="instanceId"/> for its own worker.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <returns><see langword="true"/> when the next change of the instance is made in this process.</returns>
    bool HoldsWorkFor(string instanceId);
}
