namespace OpsFunctions.Durable;

/// <summary>
/// An activity in untyped form, as the engine runs it.
/// </summary>
public interface ITaskActivity
{
    /// <summary>Gets the type the input is deserialized to.</summary>
    Type InputType { get; }

    /// <summary>Gets the type of the output.</summary>
    Type OutputType { get; }

    /// <summary>Runs the activity.</summary>
    /// <param name="context">The activity context.</param>
    /// <param name="input">The deserialized input.</param>
    /// <returns>The output.</returns>
    Task<object?> RunAsync(TaskActivityContext context, object? input);
}
