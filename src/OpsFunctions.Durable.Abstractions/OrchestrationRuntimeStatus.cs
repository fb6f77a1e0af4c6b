namespace OpsFunctions.Durable;

/// <summary>
/// The status of an orchestration instance.
/// </summary>
public enum OrchestrationRuntimeStatus
{
    /// <summary>Started and not yet ended.</summary>
    Running = 0,

    /// <summary>Ended with an output.</summary>
    Completed = 1,

    /// <summary>Restarted itself with new input; the next execution is on its way.</summary>
    ContinuedAsNew = 2,

    /// <summary>Ended with an unhandled failure.</summary>
    Failed = 3,

    /// <summary>Ended by a terminate request.</summary>
    Terminated = 5,

    /// <summary>Scheduled and not yet started.</summary>
    Pending = 6,

    /// <summary>Paused by a suspend request; events are held until it resumes.</summary>
    Suspended = 7,
}
