namespace OpsFunctions.Durable;

/// <summary>
/// What an activity knows about the call that scheduled it.
/// </summary>
public abstract class TaskActivityContext
{
    /// <summary>Gets the name of the activity.</summary>
    public abstract TaskName Name { get; }

    /// <summary>Gets the id of the orchestration instance that scheduled the activity.</summary>
    public abstract string InstanceId { get; }

    /// <summary>Gets a token cancelled when the worker shuts down.</summary>
    public virtual CancellationToken CancellationToken => CancellationToken.None;
}
