using System.ComponentModel.DataAnnotations;

namespace OpsFunctions.Integrations.Slack;

/// <summary>
/// <c>Notifications:Slack</c>: incoming webhook URLs by channel or user name (<c>Channels:{name}</c>), and the
/// webhook used for a name that has none (<c>DefaultWebhookUrl</c>). The URLs hold tokens: keep them in secrets.
/// </summary>
public sealed class SlackOptions
{
    public const string Section = "Notifications:Slack";

    /// <summary>Gets the incoming webhook URL of each channel or user name ("ops-critical", "#ops", "@alice").</summary>
    public Dictionary<string, string> Channels { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the incoming webhook URL for a name not in <see cref="Channels"/>; none by default.</summary>
    public string? DefaultWebhookUrl { get; set; }

    /// <summary>Gets or sets the footer naming the sender.</summary>
    /// <value>OpsFunctions.</value>
    [Required(ErrorMessage = OptionsValidation.Required)]
    public string Footer { get; set; } = "OpsFunctions";

    /// <summary>Finds the webhook URL of a channel name ("#" or "@" optional), an absolute URL standing for itself.</summary>
    internal Uri? Resolve(string address)
    {
        var url = OptionsValidation.ResolveUrl(address, Channels) ?? OptionsValidation.ResolveUrl(address.Trim().TrimStart('#', '@'), Channels);
        return url ?? (string.IsNullOrWhiteSpace(DefaultWebhookUrl) ? null : new Uri(DefaultWebhookUrl));
    }
}

internal sealed class SlackOptionsValidator : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions options)
    {
        var failures = new List<string>();
        OptionsValidation.Annotations(failures, SlackOptions.Section, options);
        foreach (var (channel, url) in options.Channels)
        {
            OptionsValidation.RequireHttpUrl(failures, $"{SlackOptions.Section}:Channels:{channel}", url);
        }

        if (options.DefaultWebhookUrl is not null)
        {
            OptionsValidation.RequireHttpUrl(failures, $"{SlackOptions.Section}:DefaultWebhookUrl", options.DefaultWebhookUrl);
        }

        return OptionsValidation.Result(failures);
    }
}
