using System.Globalization;
using Microsoft.Extensions.Options;

namespace OpsFunctions.Operations.Escalation;

/// <summary>
/// Validates <see cref="EscalationOptions"/> at start-up; each failure names the configuration key,
/// e.g. <c>Escalation:Policies:payments:Levels:2:AckTimeout must be positive</c> (level keys count from 0).
/// </summary>
public sealed class EscalationOptionsValidator : IValidateOptions<EscalationOptions>
{
    public ValidateOptionsResult Validate(string? name, EscalationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (policyName, policy) in options.Policies.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var prefix = $"{EscalationConstants.SectionName}:Policies:{policyName}";
            if (policy is null)
            {
                failures.Add($"{prefix} must be a policy with Levels");
                continue;
            }

            if (policy.Levels.Count == 0)
            {
                failures.Add($"{prefix}:Levels must hold at least one level");
            }

            if (policy.Repeat is < 0)
            {
                failures.Add($"{prefix}:Repeat must be zero or more");
            }

            if (policy.Match is { } match && !string.IsNullOrWhiteSpace(match.Severity) && !SeverityLabels.TryParse(match.Severity, out _))
            {
                failures.Add($"{prefix}:Match:Severity must be critical, high, error, warning, info, medium or low, not '{match.Severity}'");
            }

            for (var i = 0; i < policy.Levels.Count; i++)
            {
                var level = policy.Levels[i];
                var levelPrefix = string.Create(CultureInfo.InvariantCulture, $"{prefix}:Levels:{i}");
                if (level.AckTimeout is { } ack && ack <= TimeSpan.Zero)
                {
                    failures.Add($"{levelPrefix}:AckTimeout must be positive");
                }

                if (level.ResolutionTimeout is { } resolution && resolution <= TimeSpan.Zero)
                {
                    failures.Add($"{levelPrefix}:ResolutionTimeout must be positive");
                }

                ContactValidation.Validate($"{levelPrefix}:Contacts", level.Contacts, failures);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
