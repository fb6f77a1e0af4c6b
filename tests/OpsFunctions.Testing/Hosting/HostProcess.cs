using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpsFunctions.Testing.Hosting;

/// <summary>
/// The built host (<c>OpsFunctions.Host.dll</c>) as a separate process on a free loopback port, with its JSON log
/// lines collected, for tests that need a real process: signals, the CLI, load from another process.
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private event Action<string>? LineReceived;

    private HostProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Gets the address the host listens on.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the messages of the log lines so far.</summary>
    public IReadOnlyCollection<string> Messages => _lines;

    /// <summary>Gets the process id.</summary>
    public int Id => _process.Id;

    /// <summary>Gets the memory the process holds in RAM now (its resident set).</summary>
    public long ResidentBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    /// <summary>Gets the built host next to the calling test's output (artifacts/bin/OpsFunctions.Host/{configuration}).</summary>
    public static string HostAssembly
    {
        get
        {
            var configuration = Path.GetFileName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
            return Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "OpsFunctions.Host", configuration, "OpsFunctions.Host.dll"));
        }
    }

    /// <summary>Starts the host in <paramref name="directory"/> (its app root) with the given settings as environment variables.</summary>
    /// <param name="directory">The working directory; the store goes under its <c>.opsfunctions</c>.</param>
    /// <param name="environment">Settings, e.g. <c>Keys__Admin</c>.</param>
    /// <param name="cancellationToken">Cancels the wait for start-up.</param>
    /// <returns>The running host.</returns>
    public static async Task<HostProcess> StartAsync(string directory, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HostAssembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The host process did not start.");
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) => host.Receive(e.Data);
        process.ErrorDataReceived += (_, e) => host.Receive(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            host.BaseAddress = await host._listening.Task.WaitAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return host;
    }

    /// <summary>Waits until a log message matching <paramref name="predicate"/> has been written.</summary>
    /// <param name="predicate">Which message.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The message.</returns>
    public Task<string> WaitForMessageAsync(Func<string, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        LineReceived += message =>
        {
            if (predicate(message))
            {
                found.TrySetResult(message);
            }
        };
        if (_lines.FirstOrDefault(predicate) is { } already)
        {
            found.TrySetResult(already);
        }

        return found.Task.WaitAsync(timeout, cancellationToken);
    }

    /// <summary>Sends SIGTERM, as a container runtime or systemd does, and waits for the process to exit.</summary>
    /// <param name="timeout">How long to wait for the exit.</param>
    /// <returns>The exit code.</returns>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }

    private void Receive(string? line)
    {
        if (line is null)
        {
            return;
        }

        var message = MessageOf(line);
        _lines.Enqueue(message);
        if (ListeningOn().Match(message) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }

        LineReceived?.Invoke(message);
    }

    private static string MessageOf(string line)
    {
        if (!line.StartsWith('{'))
        {
            return line;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.TryGetProperty("Message", out var message) ? message.GetString() ?? line : line;
        }
        catch (JsonException)
        {
            return line;
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
