using System.Text.Json.Serialization;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Escalation;

/// <summary>What the ladder is doing.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EscalationMode>))]
public enum EscalationMode
{
    /// <summary>Paging a level and waiting for its acknowledgement.</summary>
    Paging,

    /// <summary>Acknowledged; waiting for resolution until the level's resolution timeout.</summary>
    Acknowledged,

    /// <summary>Every level and repeat passed without an acknowledgement; paging the last level at its interval.</summary>
    Unacknowledged,
}

/// <summary>The input of <see cref="EscalationOrchestrator"/>, carried from one execution to the next by ContinueAsNew.</summary>
public sealed record EscalationInput : IJsonOnDeserializing
{
    private int _revision = IncidentRevisions.Current;

    /// <summary>Gets the revision of the incident workflows the ladder runs (<see cref="IncidentRevisions"/>); its incident's.</summary>
    /// <remarks>
    /// An input made in code runs the current revision; one read back from a history written before revisions existed
    /// reads as <see cref="IncidentRevisions.Initial"/>, so a ladder in flight keeps the actions it recorded.
    /// </remarks>
    public int Revision { get => _revision; init => _revision = value; }

    /// <summary>Gets the incident id: the parent instance, which receives <see cref="IncidentEvents.EscalationProgress"/>.</summary>
    public required string IncidentId { get; init; }

    public required IncidentSummary Incident { get; init; }

    public required EscalationPolicy Policy { get; init; }

    public EscalationPosition Position { get; init; } = new();

    void IJsonOnDeserializing.OnDeserializing() => _revision = IncidentRevisions.Initial;
}

/// <summary>Where the ladder stands.</summary>
public sealed record EscalationPosition
{
    /// <summary>Gets the run of the ladder: 0 for the first, up to the policy's <c>Repeat</c>.</summary>
    public int Pass { get; init; }

    /// <summary>Gets the index of the current level (0 for L1).</summary>
    public int LevelIndex { get; init; }

    public EscalationMode Mode { get; init; }

    /// <summary>Gets when escalation resumes if the incident is still not resolved (Acknowledged mode).</summary>
    public DateTimeOffset? ResolutionDeadline { get; init; }

    public string? AcknowledgedBy { get; init; }

    /// <summary>Gets how many pages went out so far.</summary>
    public int Pages { get; init; }

    /// <summary>Gets why the next page goes out, for the timeline.</summary>
    public string? Note { get; init; }

    /// <summary>Gets a value indicating whether the incident hears about the next page (a new level, or the ladder running out).</summary>
    public bool Announce { get; init; } = true;

    /// <summary>Gets a value indicating whether the next page resumes escalation after an acknowledgement without resolution.</summary>
    public bool Resumed { get; init; }

    /// <summary>
    /// Gets when the current level's acknowledgement time runs out, when it has been paged already: a ladder handed over
    /// by one execution of its incident to the next waits until then instead of paging again.
    /// </summary>
    public DateTimeOffset? AckDeadline { get; init; }
}

/// <summary>The payload of <see cref="IncidentEvents.EscalationProgress"/>: the ladder paged a level.</summary>
/// <param name="Level">1 for L1.</param>
/// <param name="LevelName">The level's name.</param>
/// <param name="Pass">The run of the ladder, 0 for the first.</param>
/// <param name="Mode">Paging, or Unacknowledged when the ladder ran out.</param>
/// <param name="Resumed">Whether the page resumes escalation after an acknowledgement without resolution.</param>
public sealed record EscalationProgress(int Level, string LevelName, int Pass, EscalationMode Mode, bool Resumed = false);

/// <summary>The output of <see cref="EscalationOrchestrator"/> once stopped, or handed over.</summary>
public sealed record EscalationResult(int LastLevel, int Pages, EscalationMode Mode, string? StoppedBy)
{
    /// <summary>
    /// Gets where the ladder resumes when it ended on <see cref="IncidentEvents.Handover"/> rather than on a stop;
    /// <see langword="null"/> when stopped.
    /// </summary>
    public EscalationPosition? ResumeAt { get; init; }
}
