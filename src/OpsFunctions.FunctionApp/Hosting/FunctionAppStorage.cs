using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using OpsFunctions.Operations.Storage;

namespace OpsFunctions.FunctionApp.Hosting;

/// <summary>
/// The features' records live in the app's own storage account, read from <c>AzureWebJobsStorage</c> by Functions' rule:
/// a connection string (<c>UseDevelopmentStorage=true</c> for Azurite), or identity-based settings under
/// <c>AzureWebJobsStorage__</c> (<c>accountName</c> or <c>tableServiceUri</c>, and <c>clientId</c> for a user-assigned identity).
/// </summary>
public static class FunctionAppStorage
{
    public const string StorageSetting = "AzureWebJobsStorage";

    /// <summary>The setting naming the task hub; its default is the <c>hubName</c> in this app's <c>host.json</c>.</summary>
    public const string HubNameSetting = "OpsFunctions:HubName";

    public const string DefaultHubName = "OpsFunctions";

    /// <exception cref="InvalidOperationException">The storage setting is missing or malformed; the message names it.</exception>
    public static RecordStorage Records(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var hubName = configuration[HubNameSetting] ?? DefaultHubName;
        var section = configuration.GetSection(StorageSetting);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            try
            {
                return RecordStorage.InTables(new TableServiceClient(section.Value), hubName);
            }
            catch (Exception exception) when (exception is FormatException or ArgumentException or InvalidOperationException)
            {
                // The SDK's message may quote the connection string, key included; say only what is wrong.
                throw new InvalidOperationException($"Setting '{StorageSetting}' is not a storage connection string with a table endpoint.");
            }
        }

        var tableUri = section["tableServiceUri"] ?? (section["accountName"] is { Length: > 0 } account ? $"https://{account}.table.core.windows.net" : null);
        if (!Uri.TryCreate(tableUri, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException(
                $"Setting '{StorageSetting}' is not set: give a connection string, or '{StorageSetting}__accountName' (or '{StorageSetting}__tableServiceUri', https) for a managed identity.");
        }

        TokenCredential credential = section["clientId"] is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
        return RecordStorage.InTables(new TableServiceClient(uri, credential), hubName);
    }
}
