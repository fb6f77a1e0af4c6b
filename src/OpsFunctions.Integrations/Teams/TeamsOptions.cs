namespace OpsFunctions.Integrations.Teams;

/// <summary><c>Notifications:Teams</c>: incoming webhook URLs by name (<c>Webhooks:{name}</c>); a target may also give a URL.</summary>
public sealed class TeamsOptions
{
    public const string Section = "Notifications:Teams";

    /// <summary>Gets the incoming webhook URL of each name ("sre", "payments-oncall").</summary>
    public Dictionary<string, string> Webhooks { get; } = new(StringComparer.OrdinalIgnoreCase);

    internal Uri? Resolve(string address) => OptionsValidation.ResolveUrl(address, Webhooks);
}

internal sealed class TeamsOptionsValidator : IValidateOptions<TeamsOptions>
{
    public ValidateOptionsResult Validate(string? name, TeamsOptions options)
    {
        var failures = new List<string>();
        OptionsValidation.Annotations(failures, TeamsOptions.Section, options);
        foreach (var (webhook, url) in options.Webhooks)
        {
            OptionsValidation.RequireHttpUrl(failures, $"{TeamsOptions.Section}:Webhooks:{webhook}", url);
        }

        return OptionsValidation.Result(failures);
    }
}
