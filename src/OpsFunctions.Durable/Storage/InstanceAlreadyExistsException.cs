using DurableTask.Core.Exceptions;

namespace OpsFunctions.Durable.Storage;

/// <summary>
/// Thrown when a start names an instance id that is still pending, running or suspended, or whose status the start's
/// dedupe statuses name.
/// </summary>
/// <remarks>
/// An <see cref="OrchestrationAlreadyExistsException"/>, the exception the official clients throw, so code written
/// against <c>DurableTaskClient</c> alone can catch it without knowing this engine.
/// </remarks>
public sealed class InstanceAlreadyExistsException : OrchestrationAlreadyExistsException
{
    /// <summary>Initializes a new instance of the <see cref="InstanceAlreadyExistsException"/> class.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="status">The status of the existing instance.</param>
    public InstanceAlreadyExistsException(string instanceId, OrchestrationRuntimeStatus status)
        : base(Describe(instanceId, status))
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

    private static string Describe(string instanceId, OrchestrationRuntimeStatus status) => status.HasEnded()
        ? $"An orchestration with instance id '{instanceId}' already exists and is {status}, a status the start's dedupe statuses exclude."
        : $"An orchestration with instance id '{instanceId}' already exists and is {status}; it must end before the id can be reused.";
}
