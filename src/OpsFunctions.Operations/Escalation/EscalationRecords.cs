using System.Text.Json;
using System.Text.Json.Serialization;

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
/// <remarks>
/// The JSON names of <see cref="ParentId"/> and <see cref="Subject"/> are those of the ladders in flight, which incidents
/// started before the ladder was a feature of its own.
/// </remarks>
public sealed record EscalationInput : IJsonOnDeserializing
{
    /// <summary>The page activity of ladders whose input names none: they were all started by incidents.</summary>
    private const string IncidentPageActivity = "NotifyIncident";

    private int _revision = EscalationRevisions.Current;
    private string _pageActivity = string.Empty;

    /// <summary>Gets the revision the ladder runs (<see cref="EscalationRevisions"/>).</summary>
    /// <remarks>
    /// An input made in code runs the current revision; one read back from a history written before revisions existed
    /// reads as <see cref="EscalationRevisions.Initial"/>, so a ladder in flight keeps the actions it recorded.
    /// </remarks>
    public int Revision { get => _revision; init => _revision = value; }

    /// <summary>Gets the parent instance, which receives <see cref="EscalationEvents.Progress"/>.</summary>
    [JsonPropertyName("incidentId")]
    public required string ParentId { get; init; }

    /// <summary>Gets what the ladder pages about; handed to the page activity as it is (<see cref="EscalationPage.Subject"/>).</summary>
    [JsonPropertyName("incident")]
    public required JsonElement Subject { get; init; }

    /// <summary>Gets the name of the activity that pages a level; it takes an <see cref="EscalationPage"/>. Required.</summary>
    /// <remarks>Not a C# <c>required</c> member: the JSON of ladders in flight has none, and reads as <c>NotifyIncident</c>.</remarks>
    public string PageActivity { get => _pageActivity; init => _pageActivity = value; }

    public required EscalationPolicy Policy { get; init; }

    public EscalationPosition Position { get; init; } = new();

    void IJsonOnDeserializing.OnDeserializing()
    {
        _revision = EscalationRevisions.Initial;
        _pageActivity = IncidentPageActivity;
    }
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

/// <summary>The payload of <see cref="EscalationEvents.Progress"/>: the ladder paged a level.</summary>
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
    /// Gets where the ladder resumes when it ended on <see cref="EscalationEvents.Handover"/> rather than on a stop;
    /// <see langword="null"/> when stopped.
    /// </summary>
    public EscalationPosition? ResumeAt { get; init; }
}
