using Microsoft.Extensions.Options;

namespace OpsFunctions.Operations.Incidents;

/// <summary>
/// <c>Incidents</c>: who hears about an incident by severity (its route), besides the escalation ladder.
/// </summary>
/// <remarks>
/// <c>Incidents:Routes:{Critical|High|Medium|Low}</c> is a list of contacts. A severity left out keeps its
/// default route (<see cref="IncidentRoutingConstants.DefaultRoute"/>); a configured one replaces it whole.
/// </remarks>
public sealed class IncidentRoutingOptions
{
    /// <summary>Gets the configured routes by severity.</summary>
    public Dictionary<Severity, List<Contact>> Routes { get; } = [];

    /// <summary>Gets the contacts of <paramref name="severity"/>'s route: the configured one, else the default.</summary>
    public IReadOnlyList<Contact> RouteFor(Severity severity)
        => Routes.TryGetValue(severity, out var contacts) && contacts.Count > 0 ? contacts : IncidentRoutingConstants.DefaultRoute(severity);
}

/// <summary>The default severity routes (WORKFLOWS.md section 1).</summary>
public static class IncidentRoutingConstants
{
    /// <summary>The configuration section: <c>Incidents</c>.</summary>
    public const string SectionName = "Incidents";

    /// <summary>
    /// Critical: PagerDuty (routing key name <c>default</c>) + Slack <c>#incidents-critical</c> + email <c>oncall@example.com</c>;
    /// High: Slack <c>#incidents</c> + email; Medium: Slack <c>#alerts-warning</c>; Low: Slack <c>#alerts-info</c>.
    /// Targets are names the notifier adapter resolves; the address is a placeholder to configure.
    /// </summary>
    public static IReadOnlyList<Contact> DefaultRoute(Severity severity) => severity switch
    {
        Severity.Critical =>
        [
            new Contact { Name = "critical route", PagerDutyRoutingKey = "default", SlackChannel = "#incidents-critical", Email = "oncall@example.com" },
        ],
        Severity.High => [new Contact { Name = "high route", SlackChannel = "#incidents", Email = "oncall@example.com" }],
        Severity.Medium => [new Contact { Name = "warning route", SlackChannel = "#alerts-warning" }],
        _ => [new Contact { Name = "info route", SlackChannel = "#alerts-info" }],
    };
}

/// <summary>Validates <see cref="IncidentRoutingOptions"/>: <c>Incidents:Routes:{Severity}:{index}</c>.</summary>
public sealed class IncidentRoutingOptionsValidator : IValidateOptions<IncidentRoutingOptions>
{
    public ValidateOptionsResult Validate(string? name, IncidentRoutingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (severity, contacts) in options.Routes.OrderBy(r => r.Key))
        {
            ContactValidation.Validate($"{IncidentRoutingConstants.SectionName}:Routes:{severity}", contacts, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
