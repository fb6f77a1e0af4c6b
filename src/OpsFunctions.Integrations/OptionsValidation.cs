using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;

namespace OpsFunctions.Integrations;

/// <summary>
/// Shared checks for the options validators; messages name the full configuration key and never echo its value,
/// which may be a secret.
/// </summary>
/// <remarks>
/// Each validator runs the data annotations itself (<see cref="Annotations"/>) rather than through
/// <c>ValidateDataAnnotations()</c>, whose messages name the member but not the section, and the resilience settings
/// are bound from two sections.
/// </remarks>
internal static class OptionsValidation
{
    public const string Between = "must be between {1} and {2}.";
    public const string Required = "is required.";

    /// <summary>Adds "{section}:{member} {message}" for each data annotation <paramref name="options"/> breaks.</summary>
    public static void Annotations(List<string> failures, string section, object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        foreach (var result in results)
        {
            foreach (var member in result.MemberNames)
            {
                failures.Add($"{section}:{member} {result.ErrorMessage}");
            }
        }
    }

    public static bool IsHttpUrl(string? value, [NotNullWhen(true)] out Uri? url) =>
        Uri.TryCreate(value, UriKind.Absolute, out url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    /// <summary>An address that is an http(s) URL stands for itself; otherwise it names an entry of <paramref name="named"/>.</summary>
    public static Uri? ResolveUrl(string address, IReadOnlyDictionary<string, string> named) =>
        IsHttpUrl(address, out var direct) ? direct
        : named.TryGetValue(address.Trim(), out var url) ? new Uri(url)
        : null;

    public static void RequireHttpUrl(List<string> failures, string key, string? value)
    {
        if (!IsHttpUrl(value, out _))
        {
            failures.Add($"{key} must be an absolute http or https URL.");
        }
    }

    public static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
