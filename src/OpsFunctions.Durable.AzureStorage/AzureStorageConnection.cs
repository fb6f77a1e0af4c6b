using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// Reads a storage connection the way Azure Functions does: <c>AzureWebJobsStorage</c> as a connection string, or
/// identity-based settings under <c>AzureWebJobsStorage__</c> (<c>accountName</c>, or <c>tableServiceUri</c>,
/// <c>queueServiceUri</c> and <c>blobServiceUri</c>; <c>clientId</c> for a user-assigned managed identity).
/// </summary>
public static class AzureStorageConnection
{
    /// <summary>The setting Azure Functions reads its storage connection from.</summary>
    public const string DefaultSettingName = "AzureWebJobsStorage";

    /// <summary>Gets a value indicating whether <paramref name="configuration"/> names a storage connection under <paramref name="settingName"/>.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="settingName">The setting.</param>
    /// <returns><see langword="true"/> when the setting or its identity-based section is present.</returns>
    public static bool IsConfigured(IConfiguration configuration, string settingName = DefaultSettingName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(settingName);
        return !string.IsNullOrWhiteSpace(section.Value) || section.GetChildren().Any();
    }

    /// <summary>Fills the connection of <paramref name="options"/> from the setting.</summary>
    /// <param name="options">The options to fill.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="settingName">The setting.</param>
    /// <exception cref="InvalidOperationException">The setting is missing or malformed; the message names it.</exception>
    public static void Apply(AzureStorageOptions options, IConfiguration configuration, string settingName = DefaultSettingName)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(settingName);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            var value = section.Value.Trim();
            if (!value.Contains('=', StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Setting '{settingName}' is not a storage connection string: expected 'UseDevelopmentStorage=true' or 'DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...'.");
            }

            options.ConnectionString = value;
            return;
        }

        var accountName = section["accountName"];
        options.TableServiceUri = ServiceUri(section, settingName, "tableServiceUri", accountName, "table");
        options.QueueServiceUri = ServiceUri(section, settingName, "queueServiceUri", accountName, "queue");
        options.BlobServiceUri = ServiceUri(section, settingName, "blobServiceUri", accountName, "blob");
        var clientId = section["clientId"];
        options.Credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId,
        });
    }

    private static Uri ServiceUri(IConfigurationSection section, string settingName, string key, string? accountName, string service)
    {
        var explicitUri = section[key];
        if (!string.IsNullOrWhiteSpace(explicitUri))
        {
            if (!Uri.TryCreate(explicitUri, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw new InvalidOperationException($"Setting '{settingName}__{key}' is not an absolute http(s) URI.");
            }

            return uri;
        }

        if (string.IsNullOrWhiteSpace(accountName))
        {
            throw new InvalidOperationException(
                $"Setting '{settingName}' is missing: set it to a connection string, or set '{settingName}__accountName' "
                + $"(or '{settingName}__{key}') for an identity-based connection.");
        }

        if (accountName.Length is < 3 or > 24 || !accountName.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            throw new InvalidOperationException($"Setting '{settingName}__accountName' is not a storage account name: 3 to 24 lowercase letters and digits.");
        }

        return new Uri($"https://{accountName}.{service}.core.windows.net");
    }
}
