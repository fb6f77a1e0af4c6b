using System.Diagnostics.CodeAnalysis;

namespace OpsFunctions.Integrations;

/// <summary>Shared checks for the options validators; messages name the key and never echo its value, which may be a secret.</summary>
internal static class OptionsValidation
{
    public static bool IsHttpUrl(string? value, [NotNullWhen(true)] out Uri? url) =>
        Uri.TryCreate(value, UriKind.Absolute, out url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

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
