namespace OpsFunctions.Operations.Escalation;

/// <summary>The defaults of escalation policies (WORKFLOWS.md section 2).</summary>
public static class EscalationConstants
{
    /// <summary>The configuration section: <c>Escalation</c>.</summary>
    public const string SectionName = "Escalation";

    /// <summary>The policy used when no other matches; built in when not configured.</summary>
    public const string DefaultPolicyName = "Default";

    /// <summary>How many times the ladder runs again after its last level before the incident is Unacknowledged.</summary>
    public const int DefaultRepeat = 1;

    /// <summary>How long an acknowledged incident may stay unresolved before escalation resumes: 4 hours.</summary>
    public static readonly TimeSpan DefaultResolutionTimeout = TimeSpan.FromHours(4);

    /// <summary>The ack timeouts of L1..L5: 15, 30, 60, 120 and 240 minutes; levels past L5 use 240 minutes.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultAckTimeouts =
    [
        TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(120), TimeSpan.FromMinutes(240),
    ];

    /// <summary>The ack timeout of level <paramref name="index"/> (0 for L1) when the level sets none.</summary>
    public static TimeSpan DefaultAckTimeout(int index) => DefaultAckTimeouts[Math.Min(index, DefaultAckTimeouts.Count - 1)];

    /// <summary>
    /// The built-in <c>Default</c> policy: the table of WORKFLOWS.md. Its contacts are placeholders
    /// (PagerDuty routing key names and example addresses) that a deployment overrides by configuring
    /// <c>Escalation:Policies:Default</c>.
    /// </summary>
    public static EscalationPolicyOptions CreateDefaultPolicy()
    {
        var policy = new EscalationPolicyOptions { Repeat = DefaultRepeat };
        policy.Levels.Add(Level("L1", new Contact { Name = "on-call engineer", PagerDutyRoutingKey = "oncall-primary", SlackChannel = "#oncall" }));
        policy.Levels.Add(Level("L2", new Contact { Name = "senior engineer", PagerDutyRoutingKey = "oncall-secondary", SlackChannel = "#oncall" }));
        policy.Levels.Add(Level("L3", new Contact { Name = "engineering manager", Email = "engineering-manager@example.com", PagerDutyRoutingKey = "engineering-manager" }));
        policy.Levels.Add(Level("L4", new Contact { Name = "director", Email = "director@example.com", PagerDutyRoutingKey = "director" }));
        policy.Levels.Add(Level("L5", new Contact { Name = "CTO / executive", Email = "cto@example.com", PagerDutyRoutingKey = "executive" }));
        return policy;

        static EscalationLevelOptions Level(string name, Contact contact)
        {
            var level = new EscalationLevelOptions { Name = name };
            level.Contacts.Add(contact);
            return level;
        }
    }
}

/// <summary>
/// <c>Escalation</c>: the escalation policies by name. With none configured the built-in <c>Default</c>
/// (<see cref="EscalationConstants.CreateDefaultPolicy"/>) applies; configured policies that match nothing
/// also fall back to it unless <c>Default</c> itself is configured.
/// </summary>
public sealed class EscalationOptions
{
    /// <summary>Gets the policies: <c>Escalation:Policies:{name}</c>.</summary>
    public Dictionary<string, EscalationPolicyOptions> Policies { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary><c>Escalation:Policies:{name}</c>: a ladder of levels.</summary>
public sealed class EscalationPolicyOptions
{
    /// <summary>Gets the levels, L1 first.</summary>
    public List<EscalationLevelOptions> Levels { get; } = [];

    /// <summary>Gets or sets how many times the whole ladder runs again after the last level.</summary>
    /// <value>1 (<see cref="EscalationConstants.DefaultRepeat"/>) unless set.</value>
    public int? Repeat { get; set; }

    /// <summary>Gets or sets which incidents the policy is for; a policy without <c>Match</c> is used only by name (or as <c>Default</c>).</summary>
    public EscalationMatchOptions? Match { get; set; }
}

/// <summary><c>Escalation:Policies:{name}:Levels:{index}</c>: who is paged at one level and how long they have.</summary>
public sealed class EscalationLevelOptions
{
    /// <summary>Gets or sets the level's name; <c>L1</c>, <c>L2</c>... unless set.</summary>
    public string? Name { get; set; }

    /// <summary>Gets the contacts notified at this level; at least one.</summary>
    public List<Contact> Contacts { get; } = [];

    /// <summary>Gets or sets how long the level has to acknowledge before the next level is paged.</summary>
    /// <value>15, 30, 60, 120, 240 minutes for L1..L5 (<see cref="EscalationConstants.DefaultAckTimeouts"/>) unless set.</value>
    public TimeSpan? AckTimeout { get; set; }

    /// <summary>Gets or sets how long an incident acknowledged at this level may stay unresolved before escalation resumes at the next level.</summary>
    /// <value>4 hours (<see cref="EscalationConstants.DefaultResolutionTimeout"/>) unless set.</value>
    public TimeSpan? ResolutionTimeout { get; set; }
}

/// <summary><c>Escalation:Policies:{name}:Match</c>: the labels a policy is for.</summary>
public sealed class EscalationMatchOptions
{
    /// <summary>Gets or sets the <c>service</c> label value (case-insensitive).</summary>
    public string? Service { get; set; }

    /// <summary>Gets or sets the severity (<c>critical</c>, <c>high</c>/<c>error</c>, <c>warning</c>, <c>info</c>, or the <see cref="Severity"/> names).</summary>
    public string? Severity { get; set; }
}

/// <summary>A policy resolved for one incident, with every default applied; what the ladder runs.</summary>
public sealed record EscalationPolicy(string Name, IReadOnlyList<EscalationLevel> Levels, int Repeat);

/// <summary>One level of a resolved policy.</summary>
/// <param name="Number">1 for L1.</param>
public sealed record EscalationLevel(int Number, string Name, IReadOnlyList<Contact> Contacts, TimeSpan AckTimeout, TimeSpan ResolutionTimeout);
