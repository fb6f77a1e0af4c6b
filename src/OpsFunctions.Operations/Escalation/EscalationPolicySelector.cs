using Microsoft.Extensions.Options;

namespace OpsFunctions.Operations.Escalation;

/// <summary>
/// Picks the escalation policy of an incident.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>A policy named by the caller wins when it exists.</item>
/// <item>Otherwise, among policies with a <c>Match</c>, every condition set must hold (service compared
/// case-insensitively, severity after mapping); the most specific wins: service and severity, then service
/// only, then severity only. Ties go to the policy name first in ordinal order.</item>
/// <item>Otherwise <c>Default</c>: the configured one, else the built-in table.</item>
/// </list>
/// </remarks>
public sealed class EscalationPolicySelector(IOptionsMonitor<EscalationOptions> options)
{
    public EscalationPolicy Select(string? service, Severity severity, string? policyName = null)
        => Select(options.CurrentValue, service, severity, policyName);

    public static EscalationPolicy Select(EscalationOptions options, string? service, Severity severity, string? policyName = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(policyName) && options.Policies.TryGetValue(policyName, out var named))
        {
            return Resolve(options.Policies.Keys.First(k => string.Equals(k, policyName, StringComparison.OrdinalIgnoreCase)), named);
        }

        var best = options.Policies
            .Where(p => p.Value.Match is not null)
            .Select(p => (p.Key, p.Value, Score: Score(p.Value.Match!, service, severity)))
            .Where(p => p.Score > 0)
            .OrderByDescending(p => p.Score)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .FirstOrDefault();
        if (best.Value is not null)
        {
            return Resolve(best.Key, best.Value);
        }

        return options.Policies.TryGetValue(EscalationConstants.DefaultPolicyName, out var configuredDefault)
            ? Resolve(EscalationConstants.DefaultPolicyName, configuredDefault)
            : Resolve(EscalationConstants.DefaultPolicyName, EscalationConstants.CreateDefaultPolicy());
    }

    /// <summary>Applies the defaults of every unset field.</summary>
    public static EscalationPolicy Resolve(string name, EscalationPolicyOptions policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var levels = policy.Levels
            .Select((level, index) => new EscalationLevel(
                index + 1,
                string.IsNullOrWhiteSpace(level.Name) ? $"L{index + 1}" : level.Name,
                [.. level.Contacts],
                level.AckTimeout ?? EscalationConstants.DefaultAckTimeout(index),
                level.ResolutionTimeout ?? EscalationConstants.DefaultResolutionTimeout))
            .ToList();
        return new EscalationPolicy(name, levels, policy.Repeat ?? EscalationConstants.DefaultRepeat);
    }

    // 0: does not match; 3: service and severity; 2: service; 1: severity.
    private static int Score(EscalationMatchOptions match, string? service, Severity severity)
    {
        var hasService = !string.IsNullOrWhiteSpace(match.Service);
        var hasSeverity = !string.IsNullOrWhiteSpace(match.Severity);
        if (!hasService && !hasSeverity)
        {
            return 0;
        }

        if (hasService && !string.Equals(match.Service, service, StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }

        if (hasSeverity && (!SeverityLabels.TryParse(match.Severity, out var wanted) || wanted != severity))
        {
            return 0;
        }

        return (hasService ? 2 : 0) + (hasSeverity ? 1 : 0);
    }
}
