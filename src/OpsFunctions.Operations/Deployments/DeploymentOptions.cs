using OpsFunctions.Integrations.Traffic;

namespace OpsFunctions.Operations.Deployments;

/// <summary>
/// <c>Deployments</c>: the services that can be deployed, their default steps, and configured freeze windows.
/// </summary>
public sealed class DeploymentOptions
{
    /// <summary>The configuration section: <c>Deployments</c>.</summary>
    public const string SectionName = "Deployments";

    /// <summary>Gets the services by name: <c>Deployments:Services:{name}</c>.</summary>
    public Dictionary<string, DeploymentServiceOptions> Services { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the steps of a canary rollout whose request and service name none; the built-in default when empty.</summary>
    public List<RolloutStepSpec> DefaultSteps { get; } = [];

    /// <summary>Gets the configured freeze windows: <c>Deployments:Freezes:{index}</c>.</summary>
    public List<FreezeWindowOptions> Freezes { get; } = [];
}

/// <summary><c>Deployments:Services:{name}</c>: where a service's traffic goes and how its versions are told apart.</summary>
public sealed class DeploymentServiceOptions
{
    /// <summary>Gets or sets the traffic provider and what it needs.</summary>
    public TrafficOptions Traffic { get; set; } = new();

    /// <summary>Gets the servers of the version that serves now (<c>host:port</c>).</summary>
    public List<string> Stable { get; } = [];

    /// <summary>Gets the servers the new version is deployed to.</summary>
    public List<string> Canary { get; } = [];

    /// <summary>Gets or sets the PromQL label matchers of the canary's series; <c>service="{name}",track="canary"</c> unless set.</summary>
    public string? CanarySelector { get; set; }

    /// <summary>Gets or sets the PromQL label matchers of the stable version's series; <c>service="{name}",track="stable"</c> unless set.</summary>
    public string? StableSelector { get; set; }

    /// <summary>Gets the service's canary steps; the deployments' default when empty.</summary>
    public List<RolloutStepSpec> Steps { get; } = [];

    /// <summary>Gets the templates measured through every rollout of the service.</summary>
    public List<string> BackgroundAnalysis { get; } = [];

    /// <summary>Gets who hears about the service's rollouts.</summary>
    public List<Contact> Contacts { get; } = [];
}

/// <summary><c>Deployments:Services:{name}:Traffic</c>.</summary>
public sealed class TrafficOptions
{
    public TrafficProviderKind Provider { get; set; } = TrafficProviderKind.Nginx;

    /// <summary>Gets or sets the nginx upstream (or the name the webhook is told); the service's name unless set.</summary>
    public string? Upstream { get; set; }

    /// <summary>Gets or sets the file that holds the upstream block (nginx).</summary>
    public string? ConfigFile { get; set; }

    /// <summary>Gets or sets the URL the weights are posted to (HTTP).</summary>
    public string? WebhookUrl { get; set; }
}

/// <summary>
/// A step as configured or requested: exactly one of <paramref name="SetWeight"/>, <paramref name="Pause"/>,
/// <paramref name="Analysis"/>. JSON: <c>{"setWeight": 20}</c>, <c>{"pause": {"duration": "5m"}}</c>, <c>{"pause": {}}</c>
/// (until promoted; in configuration <c>"Pause": {"UntilPromoted": true}</c>, since configuration drops empty sections),
/// <c>{"analysis": {"templates": ["error-rate"]}}</c>.
/// </summary>
public sealed record RolloutStepSpec(int? SetWeight = null, PauseSpec? Pause = null, AnalysisSpec? Analysis = null);

/// <summary>A pause as configured or requested.</summary>
/// <param name="Duration">How long (<c>30s</c>, <c>5m</c>, <c>00:05:00</c>); without one the pause lasts until someone promotes.</param>
/// <param name="UntilPromoted">Says so explicitly; what configuration needs, where an empty section does not exist.</param>
public sealed record PauseSpec(string? Duration = null, bool? UntilPromoted = null);

/// <summary>An inline analysis as configured or requested.</summary>
/// <param name="Templates">The templates to measure; built-in or configured names.</param>
public sealed record AnalysisSpec(IReadOnlyList<string>? Templates = null);

/// <summary><c>Deployments:Freezes:{index}</c>: a window in which new rollouts are refused.</summary>
public sealed class FreezeWindowOptions
{
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets the services it covers; every service when empty.</summary>
    public List<string> Services { get; } = [];

    public string Reason { get; set; } = string.Empty;

    public DateTimeOffset From { get; set; }

    public DateTimeOffset Until { get; set; }
}
