using System.ComponentModel.DataAnnotations;
using MimeKit;

namespace OpsFunctions.Integrations.Email;

/// <summary>How the SMTP connection is secured.</summary>
public enum EmailTlsMode
{
    /// <summary>TLS on connect for port 465, STARTTLS when offered on other ports.</summary>
    Auto,

    /// <summary>Plain text; for a relay on loopback or a trusted network only.</summary>
    None,

    /// <summary>STARTTLS, required.</summary>
    StartTls,

    /// <summary>STARTTLS when the server offers it.</summary>
    StartTlsWhenAvailable,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,
}

/// <summary>
/// <c>Notifications:Email</c>: the SMTP server (<c>Host</c>, <c>Port</c>, <c>TlsMode</c>, optional <c>UserName</c> and
/// <c>Password</c>) and the sender (<c>From</c>). Retries and timeouts come from <c>Notifications:Resilience</c>.
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Notifications:Email";
    public const int DefaultPort = 25;

    /// <summary>Gets or sets the SMTP server; email is not sent without one.</summary>
    public string? Host { get; set; }

    /// <summary>Gets or sets the SMTP port.</summary>
    /// <value>25.</value>
    [Range(1, 65535, ErrorMessage = OptionsValidation.Between)]
    public int Port { get; set; } = DefaultPort;

    /// <summary>Gets or sets how the connection is secured.</summary>
    /// <value><see cref="EmailTlsMode.Auto"/>.</value>
    public EmailTlsMode TlsMode { get; set; } = EmailTlsMode.Auto;

    /// <summary>Gets or sets the user to authenticate as; no authentication when empty.</summary>
    public string? UserName { get; set; }

    /// <summary>Gets or sets the password of <see cref="UserName"/>.</summary>
    public string? Password { get; set; }

    /// <summary>Gets or sets the sender, "ops@example.com" or "OpsFunctions &lt;ops@example.com&gt;".</summary>
    public string? From { get; set; }

    /// <summary>Gets or sets what precedes every subject.</summary>
    /// <value>[OpsFunctions].</value>
    public string SubjectPrefix { get; set; } = "[OpsFunctions]";
}

internal sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var failures = new List<string>();
        OptionsValidation.Annotations(failures, EmailOptions.Section, options);
        if (!string.IsNullOrWhiteSpace(options.Host))
        {
            if (string.IsNullOrWhiteSpace(options.From))
            {
                failures.Add($"{EmailOptions.Section}:From is required when {EmailOptions.Section}:Host is set.");
            }
            else if (!MailboxAddress.TryParse(options.From, out _))
            {
                failures.Add($"{EmailOptions.Section}:From is not an email address.");
            }
        }

        if (!string.IsNullOrEmpty(options.Password) && string.IsNullOrWhiteSpace(options.UserName))
        {
            failures.Add($"{EmailOptions.Section}:UserName is required when {EmailOptions.Section}:Password is set.");
        }

        return OptionsValidation.Result(failures);
    }
}
