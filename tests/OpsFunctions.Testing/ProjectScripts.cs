using System.Diagnostics;

namespace OpsFunctions.Testing;

/// <summary>
/// Runs the repository's own scripts (<c>scripts/*.sh</c>), which install and start the real components tests use.
/// </summary>
public static class ProjectScripts
{
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

    /// <summary>Runs <c>bash scripts/<paramref name="script"/></c> with <paramref name="arguments"/> and fails with its output when it fails.</summary>
    /// <param name="script">The script's file name, e.g. <c>azurite.sh</c>.</param>
    /// <param name="arguments">Its arguments.</param>
    public static async Task RunAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [$"scripts/{script}", .. arguments])
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
            throw new InvalidOperationException($"scripts/{script} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {await output}{await error}");
        }
    }
}
