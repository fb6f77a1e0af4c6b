using System.Diagnostics;
using System.Globalization;

namespace OpsFunctions.Testing.Hosting;

/// <summary>
/// Starts the crash worker (tests/OpsFunctions.Durable.CrashWorker), a process tests kill with SIGKILL and start again.
/// </summary>
public static class CrashWorkerProcess
{
    /// <summary>Starts a worker with its output redirected.</summary>
    /// <param name="target">A SQLite database file, or <c>azurite:</c> and a task hub name.</param>
    /// <param name="instances">How many instances it waits for (and schedules, with <c>start</c>).</param>
    /// <param name="arguments">More arguments: <c>start</c>, <c>--progress</c>.</param>
    /// <returns>The process.</returns>
    public static Process Start(string target, int instances, params string[] arguments)
    {
        // Test projects reference the worker, so it is built next to them: artifacts/bin/<project>/<configuration>/.
        var configuration = Path.GetFileName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var worker = Path.GetFullPath(Path.Combine(
            AppContext.BaseDirectory, "..", "..", "OpsFunctions.Durable.CrashWorker", configuration, "OpsFunctions.Durable.CrashWorker.dll"));
        if (!File.Exists(worker))
        {
            throw new InvalidOperationException($"The crash worker is not built at {worker}.");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(worker);
        start.ArgumentList.Add(target);
        start.ArgumentList.Add(instances.ToString(CultureInfo.InvariantCulture));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("The crash worker did not start.");
    }
}
