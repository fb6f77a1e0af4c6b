using System.Diagnostics;

namespace OpsFunctions.Testing.Azure;

/// <summary>
/// Azurite for tests: started once per test process through <c>scripts/azurite.sh start</c>, which installs it when
/// missing and does nothing when it already runs. A test that needs Azurite fails when it cannot start; it never skips.
/// </summary>
public static class Azurite
{
    /// <summary>The connection string of Azurite on its default loopback ports.</summary>
    public const string ConnectionString = "UseDevelopmentStorage=true";

    private static readonly Lock Gate = new();
    private static Task? _started;

    /// <summary>Starts Azurite unless it answers already.</summary>
    /// <returns>The connection string.</returns>
    public static async Task<string> EnsureStartedAsync()
    {
        Task started;
        lock (Gate)
        {
            started = _started ??= StartAsync();
        }

        await started;
        return ConnectionString;
    }

    /// <summary>Gets the repository root, found from the test binaries upwards.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "OpsFunctions.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("The repository root (OpsFunctions.sln) was not found above the test binaries.");
        }
    }

    private static async Task StartAsync()
    {
        var start = new ProcessStartInfo("bash", ["scripts/azurite.sh", "start"])
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/azurite.sh start failed with exit code {process.ExitCode}: {await output}{await error}");
        }
    }
}
