namespace OpsFunctions.Durable.Execution;

/// <summary>Something orchestrator code asked for; history records it under <see cref="Id"/>.</summary>
/// <param name="Id">The task id.</param>
internal abstract record OrchestratorAction(int Id)
{
    /// <summary>Gets a description for non-determinism errors, e.g. <c>CallActivity 'Charge' (#3)</c>.</summary>
    public abstract string Describe();
}

internal sealed record ScheduleTaskAction(int Id, string Name, string? Input, IReadOnlyDictionary<string, string>? Tags = null) : OrchestratorAction(Id)
{
    public override string Describe() => $"CallActivity '{Name}' (#{Id})";
}

internal sealed record CreateTimerAction(int Id, DateTimeOffset FireAt) : OrchestratorAction(Id)
{
    public override string Describe() => $"CreateTimer {FireAt:O} (#{Id})";
}

internal sealed record SendEventAction(int Id, string InstanceId, string Name, string? Input) : OrchestratorAction(Id)
{
    public override string Describe() => $"SendEvent '{Name}' to instance '{InstanceId}' (#{Id})";
}

internal sealed record CreateSubOrchestrationAction(int Id, string Name, string InstanceId, string? Input, IReadOnlyDictionary<string, string>? Tags = null)
    : OrchestratorAction(Id)
{
    public override string Describe() => $"CallSubOrchestrator '{Name}' instance '{InstanceId}' (#{Id})";
}
