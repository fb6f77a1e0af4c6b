namespace OpsFunctions.Operations;

/// <summary>One line of a workflow's timeline (an incident, a deployment): who did what, when.</summary>
/// <param name="At">When it happened (orchestration time).</param>
/// <param name="Actor">Who acted: a person's name, or the system that did (<c>system</c>, <c>alertmanager</c>, <c>github</c>...).</param>
/// <param name="Kind">What kind of step it was; each feature names its kinds.</param>
/// <param name="Text">What happened, for people.</param>
public sealed record TimelineEntry(DateTimeOffset At, string Actor, string Kind, string Text);
