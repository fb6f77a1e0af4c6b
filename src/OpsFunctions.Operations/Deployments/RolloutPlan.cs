using System.Globalization;
using System.Text.Json.Serialization;
using OpsFunctions.Integrations.Traffic;
using OpsFunctions.Operations.Deployments.Analysis;

namespace OpsFunctions.Operations.Deployments;

/// <summary>
/// What a rollout runs, resolved when it is requested (service configuration, steps, templates) so that the
/// orchestration's input holds everything and history records it.
/// </summary>
public sealed record RolloutPlan
{
    /// <summary>Gets the deployment's id (<see cref="RolloutIds.NewDeploymentId"/>).</summary>
    public required string DeploymentId { get; init; }

    public required string Service { get; init; }

    public required string Version { get; init; }

    public string? StableVersion { get; init; }

    public DeploymentStrategy Strategy { get; init; } = DeploymentStrategy.Canary;

    public required string StartedBy { get; init; }

    /// <summary>Gets where the request came from (<see cref="DeploymentSources"/>).</summary>
    public string Source { get; init; } = DeploymentSources.Api;

    public DateTimeOffset RequestedAt { get; init; }

    /// <summary>Gets where the service's traffic is split.</summary>
    public required TrafficTarget Traffic { get; init; }

    /// <summary>Gets the servers of the version that serves now.</summary>
    public required IReadOnlyList<string> StableBackends { get; init; }

    /// <summary>Gets the servers of the new version.</summary>
    public required IReadOnlyList<string> CanaryBackends { get; init; }

    /// <summary>Gets how the canary's and the stable version's metrics are told apart.</summary>
    public required AnalysisTarget Target { get; init; }

    public required IReadOnlyList<RolloutStep> Steps { get; init; }

    /// <summary>Gets the templates measured through the whole rollout; a failure aborts it.</summary>
    public IReadOnlyList<AnalysisTemplate> BackgroundAnalysis { get; init; } = [];

    /// <summary>Gets who hears about the rollout.</summary>
    public IReadOnlyList<Contact> Contacts { get; init; } = [];

    /// <summary>Gets the GitHub deployment the rollout reports its statuses to, when it came from one.</summary>
    public GitHubDeploymentRef? GitHub { get; init; }

    /// <summary>Gets the request the plan was made from.</summary>
    public RolloutRequest? Request { get; init; }
}

/// <summary>One step of a canary rollout: exactly one of <see cref="SetWeight"/>, <see cref="Pause"/>, <see cref="Analysis"/>.</summary>
public sealed record RolloutStep
{
    /// <summary>Gets the new version's share of the traffic to set, 0 to 100.</summary>
    public int? SetWeight { get; init; }

    /// <summary>Gets a pause: for a duration, or until someone promotes.</summary>
    public PauseStep? Pause { get; init; }

    /// <summary>Gets an inline analysis: the rollout waits for it; failed aborts, inconclusive pauses for a person.</summary>
    public IReadOnlyList<AnalysisTemplate>? Analysis { get; init; }

    /// <summary>Gets the step for people and the timeline: <c>setWeight 25</c>, <c>pause 5m</c>, <c>pause</c>, <c>analysis error-rate, latency-p95</c>.</summary>
    [JsonIgnore]
    public string Description => SetWeight is { } weight ? string.Create(CultureInfo.InvariantCulture, $"setWeight {weight}")
        : Pause is { Duration: { } duration } ? $"pause {DurationText.Format(duration)}"
        : Pause is not null ? "pause until promoted"
        : $"analysis {string.Join(", ", (Analysis ?? []).Select(t => t.Name))}";
}

/// <summary>A pause step.</summary>
/// <param name="Duration">How long; <see langword="null"/> waits until someone promotes.</param>
public sealed record PauseStep(TimeSpan? Duration);

/// <summary>A person's (or a link's) command to a running rollout.</summary>
/// <remarks>The JSON is what a signed link raises too: <c>{actor, note, decision}</c>.</remarks>
public sealed record RolloutCommand
{
    /// <summary>Gets what to do: <see cref="RolloutDecisions.Promote"/>, <see cref="RolloutDecisions.PromoteFull"/> or <see cref="RolloutDecisions.Abort"/>.</summary>
    public required string Decision { get; init; }

    public string? Actor { get; init; }

    public string? Note { get; init; }
}

/// <summary>The decisions a <see cref="RolloutCommand"/> carries.</summary>
public static class RolloutDecisions
{
    /// <summary>End the pause or the analysis in progress and go on with the next step.</summary>
    public const string Promote = "promote";

    /// <summary>Skip every remaining step: the new version takes all the traffic.</summary>
    public const string PromoteFull = "promote-full";

    /// <summary>Stop: the stable version takes all the traffic back.</summary>
    public const string Abort = "abort";

    public static bool IsKnown(string? decision) => decision is Promote or PromoteFull or Abort;
}

/// <summary>Instance and deployment ids, and the events a rollout waits for.</summary>
public static class RolloutIds
{
    /// <summary>The prefix of rollout instance ids.</summary>
    public const string InstancePrefix = "rollout-";

    /// <summary>The event that hands a running rollout the plan of the rollout that supersedes it; payload <see cref="RolloutPlan"/>.</summary>
    public const string SupersedeEvent = "supersede";

    /// <summary>The instance of <paramref name="service"/>'s rollouts: one at a time per service.</summary>
    public static string InstanceOf(string service) => InstancePrefix + service.ToLowerInvariant();

    /// <summary>
    /// The event that carries commands to one deployment; payload <see cref="RolloutCommand"/>. Named per deployment, so a
    /// command or a link meant for an earlier rollout of the service never reaches the one running now.
    /// </summary>
    public static string CommandEvent(string deploymentId) => "command:" + deploymentId;

    /// <summary>A new deployment id: the service, the request's time and a random part.</summary>
    public static string NewDeploymentId(string service, DateTimeOffset at, Guid random)
        => string.Create(CultureInfo.InvariantCulture, $"{service.ToLowerInvariant()}-{at.UtcDateTime:yyyyMMddTHHmmssZ}-{random.ToString("N")[..8]}");

    /// <summary>The instance of the background analysis of a deployment.</summary>
    public static string BackgroundAnalysisOf(string instanceId, string deploymentId) => $"{instanceId}:{deploymentId}:background";

    /// <summary>The instance of the inline analysis of one step.</summary>
    public static string StepAnalysisOf(string instanceId, string deploymentId, int step)
        => string.Create(CultureInfo.InvariantCulture, $"{instanceId}:{deploymentId}:step-{step}");
}
