using OpsFunctions.Durable;

namespace OpsFunctions.Host.Hosting;

/// <summary>
/// The one place the host picks its store: Azure Storage when <c>AzureWebJobsStorage</c> (or its
/// identity-based <c>AzureWebJobsStorage__accountName</c> form) is configured, else the embedded SQLite store.
/// </summary>
public static class StorageRegistration
{
    public const string AzureStorageKey = "AzureWebJobsStorage";

    public static IDurableTaskBuilder UseConfiguredStorage(this IDurableTaskBuilder builder, IConfiguration configuration, HostPaths paths)
        => UsesAzureStorage(configuration)
            ? UseAzureStorage(builder, configuration)
            : builder.UseSqlite($"Data Source={paths.DatabaseFile}");

    public static bool UsesAzureStorage(IConfiguration configuration)
    {
        var section = configuration.GetSection(AzureStorageKey);
        return !string.IsNullOrWhiteSpace(section.Value) || section.GetChildren().Any(c => !string.IsNullOrWhiteSpace(c.Value));
    }

    // The Azure Storage backend plugs in here: .UseAzureStorage(...) from configuration.
    private static IDurableTaskBuilder UseAzureStorage(IDurableTaskBuilder builder, IConfiguration configuration)
        => throw new InvalidOperationException(
            $"Azure Storage backend not available in this build. '{AzureStorageKey}' is set; unset it to run on the embedded SQLite store.");
}
