namespace OpsFunctions.Durable;

/// <summary>
/// The engine's one rule for when an instance is over.
/// </summary>
public static class OrchestrationRuntimeStatusExtensions
{
    /// <summary>Gets a value indicating whether the status is final: Completed, Failed or Terminated.</summary>
    /// <param name="status">The status.</param>
    /// <returns>Whether the instance has ended; its id may then be started afresh or purged.</returns>
    public static bool HasEnded(this OrchestrationRuntimeStatus status)
        => status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
}
