using OpsFunctions.Durable;

namespace OpsFunctions.Host.Hosting;

/// <summary>
/// Where the host keeps its files: the embedded store and the generated keys, one pair per task hub,
/// under <c>.opsfunctions/</c> next to <c>host.json</c> unless <c>OpsFunctions:DataDirectory</c> says otherwise.
/// </summary>
public sealed class HostPaths
{
    public const string DataDirectoryKey = "OpsFunctions:DataDirectory";
    public const string DefaultDataDirectory = ".opsfunctions";

    public HostPaths(string appRoot, string dataDirectory, string hubName)
    {
        AppRoot = appRoot;
        DataDirectory = Path.GetFullPath(dataDirectory, appRoot);
        HubName = hubName;
    }

    public string AppRoot { get; }

    public string DataDirectory { get; }

    public string HubName { get; }

    public string DatabaseFile => Path.Combine(DataDirectory, HubName + ".db");

    public string KeysFile => Path.Combine(DataDirectory, HubName + ".keys.json");

    public static HostPaths From(IConfiguration configuration, string contentRoot)
        => new(
            configuration[FunctionsConfiguration.AppRootKey] ?? contentRoot,
            configuration[DataDirectoryKey] ?? DefaultDataDirectory,
            configuration[$"{EngineRegistration.DurableTaskSection}:hubName"] ?? DurableTaskConstants.DefaultHubName);
}
