namespace OpsFunctions.Durable;

/// <summary>
/// An orchestrator in untyped form, as the engine runs it.
/// </summary>
public interface ITaskOrchestrator
{
    /// <summary>Gets the type the input is deserialized to.</summary>
    Type InputType { get; }

    /// <summary>Gets the type of the output.</summary>
    Type OutputType { get; }

    /// <summary>Runs the orchestrator.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="input">The deserialized input.</param>
    /// <returns>The output.</returns>
    Task<object?> RunAsync(TaskOrchestrationContext context, object? input);
}
