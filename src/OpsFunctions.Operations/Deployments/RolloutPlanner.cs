using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using OpsFunctions.Integrations.Traffic;
using OpsFunctions.Operations.Deployments.Analysis;

namespace OpsFunctions.Operations.Deployments;

/// <summary>A request for a rollout, as the API, the CLI and the GitHub trigger make it.</summary>
/// <param name="Service">A configured service (<c>Deployments:Services:{name}</c>).</param>
/// <param name="Version">The version being deployed.</param>
/// <param name="StableVersion">The version that serves now, when the caller knows it.</param>
/// <param name="Strategy"><c>canary</c> (the default).</param>
/// <param name="Steps">The canary's steps; the service's, else the default, when absent.</param>
/// <param name="Analysis">Templates measured through the whole rollout; the service's when absent.</param>
/// <param name="Actor">Who asks.</param>
public sealed record RolloutRequest(
    string? Service,
    string? Version,
    string? StableVersion = null,
    string? Strategy = null,
    IReadOnlyList<RolloutStepSpec>? Steps = null,
    IReadOnlyList<string>? Analysis = null,
    string? Actor = null);

/// <summary>Turns a <see cref="RolloutRequest"/> into a <see cref="RolloutPlan"/>, or into the errors that say which field is wrong.</summary>
public sealed partial class RolloutPlanner(IOptionsMonitor<DeploymentOptions> options, RolloutSteps resolver)
{
    /// <summary>The templates of the default steps' analyses.</summary>
    public static IReadOnlyList<string> DefaultStepAnalysis { get; } = ["error-rate", "latency-p95"];

    /// <summary>The built-in steps (WORKFLOWS.md): 5, 10, 25, 50 and 100 %, each followed by a 5 min bake and an analysis, with a gate before 100 %.</summary>
    public static IReadOnlyList<RolloutStepSpec> DefaultSteps { get; } = CreateDefaultSteps();

    /// <summary>Plans the rollout, or says which fields are wrong (field name to message).</summary>
    public (RolloutPlan? Plan, IReadOnlyDictionary<string, string> Errors) Plan(
        RolloutRequest request, string source, DateTimeOffset now, Guid random, GitHubDeploymentRef? gitHub = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var configured = options.CurrentValue;
        DeploymentServiceOptions? service = null;
        if (string.IsNullOrWhiteSpace(request.Service))
        {
            errors["service"] = "The field 'service' is required.";
        }
        else if (!ServiceName().IsMatch(request.Service))
        {
            errors["service"] = "The field 'service' must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit.";
        }
        else if (!configured.Services.TryGetValue(request.Service, out service))
        {
            errors["service"] = $"The service '{request.Service}' is not configured (Deployments:Services:{request.Service}).";
        }

        if (string.IsNullOrWhiteSpace(request.Version))
        {
            errors["version"] = "The field 'version' is required.";
        }
        else if (request.Version.Length > 128)
        {
            errors["version"] = "The field 'version' must be at most 128 characters.";
        }

        if (request.Strategy is { } strategy && !string.Equals(strategy, "canary", StringComparison.OrdinalIgnoreCase))
        {
            errors["strategy"] = $"The strategy '{strategy}' is not known; this version runs 'canary'.";
        }

        var specs = request.Steps ?? (service?.Steps.Count > 0 ? service.Steps : configured.DefaultSteps.Count > 0 ? configured.DefaultSteps : DefaultSteps);
        var steps = resolver.ResolveSteps(specs, "steps", errors);
        // Background analysis measures until the rollout ends, whatever count the template has inline.
        var background = resolver.ResolveTemplates(request.Analysis ?? service?.BackgroundAnalysis ?? [], "analysis", errors)
            .Select(t => t with { Count = null })
            .ToList();
        if (errors.Count > 0 || service is null)
        {
            return (null, errors);
        }

        var name = configured.Services.Keys.First(k => string.Equals(k, request.Service, StringComparison.OrdinalIgnoreCase));
        var plan = new RolloutPlan
        {
            DeploymentId = RolloutIds.NewDeploymentId(name, now, random),
            Service = name,
            Version = request.Version!,
            StableVersion = string.IsNullOrWhiteSpace(request.StableVersion) ? null : request.StableVersion,
            StartedBy = string.IsNullOrWhiteSpace(request.Actor) ? source : request.Actor,
            Source = source,
            RequestedAt = now,
            Traffic = new TrafficTarget
            {
                Provider = service.Traffic.Provider,
                Upstream = string.IsNullOrWhiteSpace(service.Traffic.Upstream) ? name : service.Traffic.Upstream,
                ConfigFile = service.Traffic.ConfigFile,
                WebhookUrl = service.Traffic.WebhookUrl,
            },
            StableBackends = [.. service.Stable],
            CanaryBackends = [.. service.Canary],
            Target = new AnalysisTarget(
                name,
                service.CanarySelector ?? $"service=\"{name}\",track=\"canary\"",
                service.StableSelector ?? $"service=\"{name}\",track=\"stable\""),
            Steps = steps,
            BackgroundAnalysis = background,
            Contacts = [.. service.Contacts],
            GitHub = gitHub,
            Request = request,
        };
        return (plan, errors);
    }

    private static List<RolloutStepSpec> CreateDefaultSteps()
    {
        var steps = new List<RolloutStepSpec>();
        foreach (var weight in new[] { 5, 10, 25, 50, 100 })
        {
            if (weight == 100)
            {
                steps.Add(new RolloutStepSpec(Pause: new PauseSpec(UntilPromoted: true)));
            }

            steps.Add(new RolloutStepSpec(SetWeight: weight));
            steps.Add(new RolloutStepSpec(Pause: new PauseSpec("5m")));
            steps.Add(new RolloutStepSpec(Analysis: new AnalysisSpec(DefaultStepAnalysis)));
        }

        return steps;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceName();
}
