namespace OpsFunctions.Durable.Client;

/// <summary>
/// Thrown when a request names an instance id that does not exist.
/// </summary>
/// <remarks>
/// An <see cref="ArgumentException"/>, as the official clients throw for an unknown instance id, so code written
/// against <c>DurableTaskClient</c> alone can catch it without knowing this engine.
/// </remarks>
public sealed class InstanceNotFoundException : ArgumentException
{
    /// <summary>Initializes a new instance of the <see cref="InstanceNotFoundException"/> class.</summary>
    /// <param name="instanceId">The instance id.</param>
    public InstanceNotFoundException(string instanceId)
        : base($"No orchestration instance with id '{instanceId}' exists.")
    {
        InstanceId = instanceId;
    }

    /// <summary>Initializes a new instance of the <see cref="InstanceNotFoundException"/> class.</summary>
    public InstanceNotFoundException()
        : this(string.Empty)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InstanceNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InstanceNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        InstanceId = string.Empty;
    }

    /// <summary>Gets the instance id.</summary>
    public string InstanceId { get; }
}
