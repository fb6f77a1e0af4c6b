namespace OpsFunctions.Durable;

/// <summary>
/// Thrown into an orchestration when an activity or a sub-orchestration it awaits has failed.
/// </summary>
public sealed class TaskFailedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="TaskFailedException"/> class.</summary>
    /// <param name="taskName">The name of the failed task.</param>
    /// <param name="taskId">The id of the failed task in history.</param>
    /// <param name="failureDetails">What failed.</param>
    public TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails)
        : base($"Task '{taskName}' (#{taskId}) failed with an unhandled exception: {failureDetails?.ErrorMessage}")
    {
        TaskName = taskName;
        TaskId = taskId;
        FailureDetails = failureDetails ?? throw new ArgumentNullException(nameof(failureDetails));
    }

    /// <summary>Initializes a new instance of the <see cref="TaskFailedException"/> class.</summary>
    public TaskFailedException()
        : this("unknown", -1, new TaskFailureDetails("Unknown", "unknown failure"))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TaskFailedException"/> class.</summary>
    /// <param name="message">The message.</param>
    public TaskFailedException(string message)
        : this("unknown", -1, new TaskFailureDetails("Unknown", message))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TaskFailedException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public TaskFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        TaskName = "unknown";
        TaskId = -1;
        FailureDetails = TaskFailureDetails.FromException(innerException);
    }

    /// <summary>Gets the name of the failed task.</summary>
    public string TaskName { get; }

    /// <summary>Gets the id of the failed task in history.</summary>
    public int TaskId { get; }

    /// <summary>Gets what failed.</summary>
    public TaskFailureDetails FailureDetails { get; }
}
