namespace OpsFunctions.Durable;

/// <summary>
/// The name of an orchestrator or activity, as it is registered and recorded in history.
/// </summary>
/// <param name="Name">Gets the name.</param>
public readonly record struct TaskName(string Name)
{
    /// <summary>Gets the name; an empty string for the default value.</summary>
    public string Name { get; } = Name ?? string.Empty;

    /// <summary>Converts a string to a <see cref="TaskName"/>.</summary>
    /// <param name="name">The name.</param>
    public static implicit operator TaskName(string name) => new(name);

    /// <summary>Creates a <see cref="TaskName"/> from a string.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The task name.</returns>
    public static TaskName FromString(string name) => new(name);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
