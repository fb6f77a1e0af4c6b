namespace OpsFunctions.Operations.Escalation;

/// <summary>The events a ladder waits for, and the one it sends its parent.</summary>
/// <remarks>The names are recorded in the histories of ladders in flight: they do not change.</remarks>
public static class EscalationEvents
{
    /// <summary>On the ladder: someone acknowledged, stop climbing; payload <see cref="EscalationAction"/>.</summary>
    public const string Acknowledged = "acknowledged";

    /// <summary>On the ladder: the matter is settled, stop; payload <see cref="EscalationAction"/>.</summary>
    public const string Stop = "stop";

    /// <summary>
    /// On the ladder: the parent continues as new; end and return where you stand (<see cref="EscalationResult.ResumeAt"/>),
    /// so the parent's next execution starts the ladder again from there. Payload <see cref="EscalationAction"/>.
    /// </summary>
    public const string Handover = "handover";

    /// <summary>On the parent, from its ladder: the ladder paged a level or ran out; payload <see cref="EscalationProgress"/>.</summary>
    public const string Progress = "escalationProgress";
}

/// <summary>
/// The revisions of the ladder. A ladder runs the revision its input names for its whole life, so a history replays
/// against the actions it recorded; the parent names the revision it speaks.
/// </summary>
public static class EscalationRevisions
{
    /// <summary>
    /// The first: the ladder reports progress through the <see cref="SignalInstance"/> activity, announces its first
    /// page and knows no <see cref="EscalationEvents.Handover"/>.
    /// </summary>
    public const int Initial = 0;

    /// <summary>
    /// The ladder reports progress with <c>SendEvent</c> and ends on <see cref="EscalationEvents.Handover"/>;
    /// it announces its first page only when its position says so.
    /// </summary>
    public const int Handover = 1;

    /// <summary>The revision new ladders run.</summary>
    public const int Current = Handover;
}
