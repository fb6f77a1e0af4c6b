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

    private static Task StartAsync() => ProjectScripts.RunAsync("azurite.sh", "start");
}
