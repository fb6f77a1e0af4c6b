using System.Text.Json.Serialization;

namespace OpsFunctions.Operations.Deployments;

/// <summary>How a new version reaches the traffic.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeploymentStrategy>))]
public enum DeploymentStrategy
{
    /// <summary>Traffic shifted to the new version step by step, each step validated (<c>CanaryRolloutOrchestrator</c>).</summary>
    Canary,

    /// <summary>Instances updated in batches, each drained, updated and health-checked (<c>RollingUpdateOrchestrator</c>).</summary>
    Rolling,

    /// <summary>The idle colour deployed and smoke-tested, then all traffic switched at once (<c>BlueGreenOrchestrator</c>).</summary>
    BlueGreen,
}

/// <summary>Where a deployment stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeploymentState>))]
public enum DeploymentState
{
    /// <summary>Shifting traffic, baking or analysing.</summary>
    Progressing,

    /// <summary>Waiting for a person: a pause until promoted, or an inconclusive analysis.</summary>
    Paused,

    /// <summary>The new version takes all the traffic.</summary>
    Succeeded,

    /// <summary>Stopped by a person or by a failed analysis; the stable version takes all the traffic.</summary>
    Aborted,

    /// <summary>A newer rollout of the same service took over; the stable version took all the traffic first.</summary>
    Superseded,

    /// <summary>The workflow itself could not go on (a provider that kept failing); what traffic it left is on the timeline.</summary>
    Failed,
}

/// <summary>How one measurement of an analysis came out (Argo Rollouts' measurement phases).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MeasurementPhase>))]
public enum MeasurementPhase
{
    /// <summary>The success condition held (or the failure condition did not).</summary>
    Successful,

    /// <summary>The failure condition held (or the success condition did not).</summary>
    Failed,

    /// <summary>Neither condition decided, or too few requests to judge.</summary>
    Inconclusive,

    /// <summary>The query itself failed (Prometheus unreachable, a bad query, no data).</summary>
    Error,
}

/// <summary>How an analysis came out: the phase its measurements and limits give.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AnalysisPhase>))]
public enum AnalysisPhase
{
    /// <summary>Measurements are still being taken.</summary>
    Running,

    /// <summary>Every limit held to the last measurement.</summary>
    Successful,

    /// <summary>More failed measurements than <c>failureLimit</c>, or more consecutive errors than <c>consecutiveErrorLimit</c>.</summary>
    Failed,

    /// <summary>More inconclusive measurements than <c>inconclusiveLimit</c>: a person decides.</summary>
    Inconclusive,
}

/// <summary>One measurement of an analysis template.</summary>
/// <param name="At">When it was taken.</param>
/// <param name="Phase">How it came out.</param>
/// <param name="Value">The canary's value, when the query gave one.</param>
/// <param name="Baseline">The stable version's value over the same window, for a template that compares.</param>
/// <param name="Requests">The canary's requests in the window, when a minimum applies.</param>
/// <param name="Message">Why, for people: the condition that decided, the error, "too few requests (3 &lt; 50)".</param>
public sealed record Measurement(DateTimeOffset At, MeasurementPhase Phase, double? Value = null, double? Baseline = null, double? Requests = null, string? Message = null);

/// <summary>An analysis template's run: its phase and its measurements.</summary>
/// <param name="Template">The template's name.</param>
/// <param name="Phase">The phase the measurements give.</param>
/// <param name="Measurements">Every measurement taken, oldest first.</param>
/// <param name="Message">Why it ended so, for people.</param>
public sealed record AnalysisResult(string Template, AnalysisPhase Phase, IReadOnlyList<Measurement> Measurements, string? Message = null);

/// <summary>One step of a deployment as it ran.</summary>
public sealed record DeploymentStepRecord
{
    /// <summary>Gets the step's index, 0 for the first.</summary>
    public int Index { get; init; }

    /// <summary>Gets what the step is: <c>setWeight 25</c>, <c>pause 5m</c>, <c>pause</c> (until promoted), <c>analysis error-rate</c>.</summary>
    public required string Description { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Gets how it ended: <c>done</c>, <c>promoted by alice</c>, <c>failed</c>, <c>inconclusive</c>.</summary>
    public string? Outcome { get; init; }

    public IReadOnlyList<AnalysisResult> Analysis { get; init; } = [];
}

/// <summary>What the query side keeps of a deployment.</summary>
public sealed record DeploymentRecord
{
    /// <summary>Gets the deployment id: unique per deployment (a service's rollouts share one instance over time).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the orchestration instance that runs (or ran) it: one per service.</summary>
    public required string InstanceId { get; init; }

    public required string Service { get; init; }

    /// <summary>Gets the version being deployed.</summary>
    public required string Version { get; init; }

    /// <summary>Gets the version that served before, when known.</summary>
    public string? StableVersion { get; init; }

    public DeploymentStrategy Strategy { get; init; }

    public DeploymentState State { get; init; }

    /// <summary>Gets who or what started it: a person, <c>github</c>, the CLI's user.</summary>
    public required string StartedBy { get; init; }

    /// <summary>Gets where the request came from: <c>api</c>, <c>github</c> or <c>cli</c>.</summary>
    public string Source { get; init; } = DeploymentSources.Api;

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Gets the new version's share of the traffic now, in percent.</summary>
    public int Weight { get; init; }

    /// <summary>Gets the index of the step running now (or last run).</summary>
    public int StepIndex { get; init; }

    public int StepCount { get; init; }

    /// <summary>Gets why it waits (Paused) or how it ended, for people.</summary>
    public string? Reason { get; init; }

    public IReadOnlyList<DeploymentStepRecord> Steps { get; init; } = [];

    /// <summary>Gets the background analysis' results so far.</summary>
    public IReadOnlyList<AnalysisResult> BackgroundAnalysis { get; init; } = [];

    /// <summary>Gets the GitHub deployment it reports to, when it came from one: <c>owner/repo</c> and the deployment id.</summary>
    public GitHubDeploymentRef? GitHub { get; init; }

    /// <summary>Gets the request it was planned from; a retry plans it again.</summary>
    public RolloutRequest? Request { get; init; }
}

/// <summary>The GitHub deployment a rollout reports its statuses to.</summary>
public sealed record GitHubDeploymentRef(string Repository, long DeploymentId, string? Environment = null, string? Sha = null, string? Ref = null);

/// <summary>Where deployment requests come from.</summary>
public static class DeploymentSources
{
    public const string Api = "api";
    public const string GitHub = "github";
    public const string Cli = "cli";
}

/// <summary>The kinds of a deployment's <see cref="TimelineEntry"/>.</summary>
public static class DeploymentTimelineKinds
{
    public const string Started = "started";
    public const string Traffic = "traffic";
    public const string Step = "step";
    public const string Analysis = "analysis";
    public const string Paused = "paused";
    public const string Command = "command";
    public const string Notification = "notification";
    public const string Succeeded = "succeeded";
    public const string Aborted = "aborted";
    public const string Superseded = "superseded";
    public const string Error = "error";
}

/// <summary>A deployment freeze: new rollouts of the services it covers are refused while it holds.</summary>
public sealed record DeploymentFreeze
{
    /// <summary>Gets the freeze's name (a configured window's, or one given through the API).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the services it covers; empty for every service.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    public required string Reason { get; init; }

    public required string CreatedBy { get; init; }

    public DateTimeOffset From { get; init; }

    /// <summary>Gets when it ends by itself; <see langword="null"/> until unfrozen.</summary>
    public DateTimeOffset? Until { get; init; }
}
