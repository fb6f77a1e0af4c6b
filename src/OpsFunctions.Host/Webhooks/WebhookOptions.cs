using System.ComponentModel.DataAnnotations;
using OpsFunctions.Host.Samples;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Host.Webhooks;

/// <summary>Limits every trigger shares; section <c>Webhooks</c>.</summary>
public sealed class WebhookLimits
{
    public const string Section = "Webhooks";
    public const long DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>Gets or sets the largest body a trigger takes.</summary>
    /// <value>1 MiB unless set.</value>
    [Range(1, 64L * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>Gets or sets how long a delivery id is remembered, so a redelivery starts nothing.</summary>
    /// <value>24 hours unless set.</value>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>The GitHub webhook; section <c>GitHub</c>.</summary>
public sealed class GitHubOptions
{
    public const string Section = "GitHub";

    /// <summary>Gets or sets the secret GitHub signs deliveries with; the route answers 503 until it is set.</summary>
    public string? WebhookSecret { get; set; }

    [Required]
    public string Orchestrator { get; set; } = nameof(SampleWorkflow);
}

/// <summary>The Alertmanager webhook; section <c>Alertmanager</c>.</summary>
public sealed class AlertmanagerOptions
{
    public const string Section = "Alertmanager";

    /// <summary>The default of <see cref="MaxBodyBytes"/>: a group of thousands of alerts fits.</summary>
    public const long DefaultMaxBodyBytes = 16L * 1024 * 1024;

    /// <summary>Gets or sets the bearer token Alertmanager's <c>http_config</c> sends; the function key works too.</summary>
    public string? BearerToken { get; set; }

    /// <summary>Gets or sets what a delivery starts: <c>IncidentOrchestrator</c> runs incident response (one incident per group); another name starts that orchestrator with the payload.</summary>
    [Required]
    public string Orchestrator { get; set; } = nameof(IncidentOrchestrator);

    /// <summary>Gets or sets the largest delivery this route takes (for incident response); a large alert group is larger than other webhooks.</summary>
    /// <value>16 MiB unless set.</value>
    [Range(1, 256L * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;
}

/// <summary>The deployment (rollout) webhook; section <c>Deployments</c>.</summary>
public sealed class DeploymentOptions
{
    public const string Section = "Deployments";

    [Required]
    public string Orchestrator { get; set; } = nameof(SampleWorkflow);
}
