namespace OpsFunctions.Integrations.Webhook;

/// <summary>
/// <c>Notifications:Webhook</c>: the HMAC-SHA256 secret every delivery is signed with (<c>Secret</c>) and endpoint URLs
/// by name (<c>Endpoints:{name}</c>); a target may also give a URL.
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Notifications:Webhook";
    public const int MinimumSecretLength = 16;

    /// <summary>Gets or sets the signing secret; a webhook is not sent without one.</summary>
    public string? Secret { get; set; }

    /// <summary>Gets the endpoint URL of each name.</summary>
    public Dictionary<string, string> Endpoints { get; } = new(StringComparer.OrdinalIgnoreCase);

    internal Uri? Resolve(string address) => OptionsValidation.ResolveUrl(address, Endpoints);
}

internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        OptionsValidation.Annotations(failures, WebhookOptions.Section, options);
        foreach (var (endpoint, url) in options.Endpoints)
        {
            OptionsValidation.RequireHttpUrl(failures, $"{WebhookOptions.Section}:Endpoints:{endpoint}", url);
        }

        if (options.Secret is not null && options.Secret.Length < WebhookOptions.MinimumSecretLength)
        {
            failures.Add($"{WebhookOptions.Section}:Secret must be at least {WebhookOptions.MinimumSecretLength} characters.");
        }

        if (options.Endpoints.Count > 0 && string.IsNullOrEmpty(options.Secret))
        {
            failures.Add($"{WebhookOptions.Section}:Secret is required when {WebhookOptions.Section}:Endpoints are configured.");
        }

        return OptionsValidation.Result(failures);
    }
}
