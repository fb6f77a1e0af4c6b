using System.ComponentModel.DataAnnotations;

namespace OpsFunctions.Integrations.PagerDuty;

/// <summary>
/// <c>Notifications:PagerDuty</c>: the Events API v2 endpoint (events are posted to <c>{Endpoint}/v2/enqueue</c>),
/// routing keys by name (<c>RoutingKeys:{name}</c>, so contacts can name a key kept in secrets), and the default
/// <c>payload.source</c>.
/// </summary>
public sealed class PagerDutyOptions
{
    public const string Section = "Notifications:PagerDuty";
    public const string DefaultEndpoint = "https://events.pagerduty.com";

    /// <summary>Gets or sets the Events API base URL.</summary>
    /// <value>https://events.pagerduty.com.</value>
    [Required(ErrorMessage = OptionsValidation.Required)]
    public string Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>Gets the routing (integration) key of each name.</summary>
    public Dictionary<string, string> RoutingKeys { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets <c>payload.source</c> when the notification names none.</summary>
    /// <value>opsfunctions.</value>
    [Required(ErrorMessage = OptionsValidation.Required)]
    public string Source { get; set; } = "opsfunctions";

    /// <summary>Gets or sets the <c>client</c> shown in PagerDuty.</summary>
    /// <value>OpsFunctions.</value>
    [Required(ErrorMessage = OptionsValidation.Required)]
    public string Client { get; set; } = "OpsFunctions";

    internal Uri EnqueueUrl => new(new Uri(Endpoint.TrimEnd('/') + "/"), "v2/enqueue");

    internal string ResolveRoutingKey(string address) =>
        RoutingKeys.TryGetValue(address.Trim(), out var key) ? key : address.Trim();
}

internal sealed class PagerDutyOptionsValidator : IValidateOptions<PagerDutyOptions>
{
    public ValidateOptionsResult Validate(string? name, PagerDutyOptions options)
    {
        var failures = new List<string>();
        OptionsValidation.Annotations(failures, PagerDutyOptions.Section, options);
        OptionsValidation.RequireHttpUrl(failures, $"{PagerDutyOptions.Section}:Endpoint", options.Endpoint);
        foreach (var (keyName, key) in options.RoutingKeys)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                failures.Add($"{PagerDutyOptions.Section}:RoutingKeys:{keyName} is empty.");
            }
        }

        return OptionsValidation.Result(failures);
    }
}
