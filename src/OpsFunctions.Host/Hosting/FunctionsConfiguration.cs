using System.Text.Json;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.FileProviders;

namespace OpsFunctions.Host.Hosting;

/// <summary>
/// Configuration in Azure Functions' shape: <c>host.json</c>, then the <c>Values</c> of <c>local.settings.json</c>
/// (as <c>func start</c> turns them into app settings), then environment variables and the command line.
/// </summary>
public static class FunctionsConfiguration
{
    public const string HostJson = "host.json";
    public const string LocalSettingsJson = "local.settings.json";

    /// <summary>The configuration key of the directory holding <c>host.json</c>, set by <see cref="AddFunctionsConfiguration"/>.</summary>
    public const string AppRootKey = "OpsFunctions:AppRoot";

    /// <summary>Where Kestrel listens unless <c>--urls</c> or <c>ASPNETCORE_URLS</c> say otherwise: Azure Functions' local port.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7071";

    public static WebApplicationBuilder AddFunctionsConfiguration(this WebApplicationBuilder builder)
    {
        // dotnet run --project starts in the repository or the project folder; host.json marks the app's root.
        var root = FindAppRoot(builder.Environment.ContentRootPath);
        var configuration = builder.Configuration;
        var hostJson = new JsonConfigurationSource { Path = HostJson, Optional = true, FileProvider = new PhysicalFileProvider(root) };
        var localSettings = new MemoryConfigurationSource { InitialData = ReadLocalSettings(Path.Combine(root, LocalSettingsJson)) };
        var appRoot = new MemoryConfigurationSource { InitialData = [new(AppRootKey, root)] };

        // Below environment variables and the command line, which win over both files as they do in Functions.
        var sources = configuration.Sources;
        var index = sources.ToList().FindLastIndex(static s => s is EnvironmentVariablesConfigurationSource { Prefix: null or "" });
        index = index < 0 ? sources.Count : index;
        sources.Insert(index, appRoot);
        sources.Insert(index, localSettings);
        sources.Insert(index, hostJson);

        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        return builder;
    }

    internal static string FindAppRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, HostJson)))
            {
                return directory.FullName;
            }
        }

        return start;
    }

    /// <summary>Reads the <c>Values</c> of a <c>local.settings.json</c>; <c>__</c> in a name is a section separator, as in environment variables.</summary>
    internal static Dictionary<string, string?> ReadLocalSettings(string path)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return values;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (document.RootElement.TryGetProperty("Values", out var settings) && settings.ValueKind == JsonValueKind.Object)
        {
            foreach (var setting in settings.EnumerateObject())
            {
                values[setting.Name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] =
                    setting.Value.ValueKind == JsonValueKind.String ? setting.Value.GetString() : setting.Value.GetRawText();
            }
        }

        return values;
    }
}
