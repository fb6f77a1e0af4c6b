namespace OpsFunctions.Durable.Client;

/// <summary>
/// Thrown when a start names an instance id that is still pending, running or suspended.
/// </summary>
public sealed class InstanceAlreadyExistsException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="InstanceAlreadyExistsException"/> class.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="status">The status of the existing instance.</param>
    public InstanceAlreadyExistsException(string instanceId, OrchestrationRuntimeStatus status)
        : base($"An orchestration with instance id '{instanceId}' already exists and is {status}; it must end before the id can be reused.")
    {
        InstanceId = instanceId;
        Status = status;
    }

    /// <summary>Initializes a new instance of the <see cref="InstanceAlreadyExistsException"/> class.</summary>
    public InstanceAlreadyExistsException()
        : this(string.Empty, OrchestrationRuntimeStatus.Running)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InstanceAlreadyExistsException"/> class.</summary>
    /// <param name="message">The message.</param>
    public InstanceAlreadyExistsException(string message)
        : base(message)
    {
        InstanceId = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="InstanceAlreadyExistsException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InstanceAlreadyExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
        InstanceId = string.Empty;
    }

    /// <summary>Gets the instance id.</summary>
    public string InstanceId { get; }

    /// <summary>Gets the status of the existing instance.</summary>
    public OrchestrationRuntimeStatus Status { get; }
}

/// <summary>
/// Thrown when a request names an instance id that does not exist.
/// </summary>
public sealed class InstanceNotFoundException : InvalidOperationException
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
