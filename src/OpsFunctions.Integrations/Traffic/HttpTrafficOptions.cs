namespace OpsFunctions.Integrations.Traffic;

/// <summary>
/// <c>Traffic:Http</c>: the HMAC-SHA256 secret the weights are signed with (<c>Secret</c>), as the generic webhook
/// signs its deliveries (<see cref="Webhook.WebhookSignature"/>); without one they are posted unsigned.
/// </summary>
public sealed class HttpTrafficOptions
{
    public const string Section = "Traffic:Http";

    /// <summary>Gets or sets the signing secret, at least <see cref="Webhook.WebhookOptions.MinimumSecretLength"/> characters.</summary>
    /// <value>None: requests are not signed.</value>
    public string? Secret { get; set; }
}

internal sealed class HttpTrafficOptionsValidator : IValidateOptions<HttpTrafficOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpTrafficOptions options)
    {
        var failures = new List<string>();
        OptionsValidation.Annotations(failures, HttpTrafficOptions.Section, options);
        if (!string.IsNullOrEmpty(options.Secret) && options.Secret.Length < Webhook.WebhookOptions.MinimumSecretLength)
        {
            failures.Add($"{HttpTrafficOptions.Section}:Secret must be at least {Webhook.WebhookOptions.MinimumSecretLength} characters.");
        }

        return OptionsValidation.Result(failures);
    }
}
