using System.Globalization;
using Microsoft.Extensions.Options;
using OpsFunctions.Integrations.Traffic;

namespace OpsFunctions.Operations.Deployments;

/// <summary>Validates <see cref="DeploymentOptions"/> at start-up, naming the key at fault.</summary>
public sealed class DeploymentOptionsValidator(RolloutSteps steps) : IValidateOptions<DeploymentOptions>
{
    public ValidateOptionsResult Validate(string? name, DeploymentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (service, settings) in options.Services.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var prefix = $"{DeploymentOptions.SectionName}:Services:{service}";
            if (settings.Stable.Count == 0 || settings.Stable.Any(string.IsNullOrWhiteSpace))
            {
                failures.Add($"{prefix}:Stable must list the stable version's servers (host:port)");
            }

            if (settings.Canary.Count == 0 || settings.Canary.Any(string.IsNullOrWhiteSpace))
            {
                failures.Add($"{prefix}:Canary must list the servers the new version is deployed to (host:port)");
            }

            if (settings.Traffic.Provider == TrafficProviderKind.Nginx && string.IsNullOrWhiteSpace(settings.Traffic.ConfigFile))
            {
                failures.Add($"{prefix}:Traffic:ConfigFile is required for the nginx provider: the file nginx includes, holding the upstream block");
            }

            if (settings.Traffic.Provider == TrafficProviderKind.Http
                && (!Uri.TryCreate(settings.Traffic.WebhookUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
            {
                failures.Add($"{prefix}:Traffic:WebhookUrl must be an absolute http or https URL for the http provider");
            }

            Steps(settings.Steps, $"{prefix}:Steps", failures);
            var unknown = new Dictionary<string, string>(StringComparer.Ordinal);
            steps.ResolveTemplates(settings.BackgroundAnalysis, "analysis", unknown);
            failures.AddRange(unknown.Values.Select(message => $"{prefix}:BackgroundAnalysis: {message}"));
            if (settings.Contacts.Count > 0)
            {
                ContactValidation.Validate($"{prefix}:Contacts", settings.Contacts, failures);
            }
        }

        Steps(options.DefaultSteps, $"{DeploymentOptions.SectionName}:DefaultSteps", failures);
        for (var i = 0; i < options.Freezes.Count; i++)
        {
            var freeze = options.Freezes[i];
            var prefix = string.Create(CultureInfo.InvariantCulture, $"{DeploymentOptions.SectionName}:Freezes:{i}");
            if (string.IsNullOrWhiteSpace(freeze.Name) || string.IsNullOrWhiteSpace(freeze.Reason))
            {
                failures.Add($"{prefix} must have a Name and a Reason");
            }

            if (freeze.Until <= freeze.From)
            {
                failures.Add($"{prefix}:Until must be after From");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Checks configured steps; none configured is fine (the default applies).</summary>
    private void Steps(IReadOnlyList<RolloutStepSpec> specs, string prefix, List<string> failures)
    {
        if (specs.Count == 0)
        {
            return;
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        steps.ResolveSteps(specs, "steps", errors);
        // steps[2].pause.duration reads as Steps:2:pause:duration, the configuration's key.
        failures.AddRange(errors.Select(e => $"{prefix}{e.Key["steps".Length..].Replace('[', ':').Replace('.', ':').Replace("]", string.Empty, StringComparison.Ordinal)}: {e.Value}"));
    }
}
