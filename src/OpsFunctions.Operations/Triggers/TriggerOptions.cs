using System.ComponentModel.DataAnnotations;
using OpsFunctions.Operations.Samples;

namespace OpsFunctions.Operations.Triggers;

/// <summary>The GitHub webhook; section <c>GitHub</c>.</summary>
public sealed class GitHubOptions
{
    public const string Section = "GitHub";

    /// <summary>Gets or sets the secret GitHub signs deliveries with; the route answers 503 until it is set.</summary>
    public string? WebhookSecret { get; set; }

    [Required]
    public string Orchestrator { get; set; } = nameof(SampleWorkflow);
}

/// <summary>The custom trigger, <c>POST /api/trigger</c>: any JSON object starts the configured orchestrator; section <c>Trigger</c>.</summary>
public sealed class JsonTriggerOptions
{
    public const string Section = "Trigger";

    [Required]
    public string Orchestrator { get; set; } = nameof(SampleWorkflow);
}
