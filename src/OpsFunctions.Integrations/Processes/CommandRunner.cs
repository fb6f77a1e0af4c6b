using System.ComponentModel;
using System.Diagnostics;
using OpsFunctions.Integrations.Http;

namespace OpsFunctions.Integrations.Processes;

/// <summary>How a command ended: its exit code and output, or why it has none.</summary>
public sealed record CommandResult(int? ExitCode, string StandardOutput, string StandardError, string? Failure = null)
{
    public bool Succeeded => Failure is null && ExitCode == 0;

    /// <summary>Why it failed, with the start of what it wrote (standard error first: nginx writes its verdict there).</summary>
    public string Describe()
    {
        var reason = Failure ?? $"exit code {ExitCode}";
        var said = HttpDelivery.Excerpt(StandardError.Length > 0 ? StandardError : StandardOutput);
        return said.Length > 0 ? $"{reason}: {said}" : reason;
    }
}

/// <summary>Runs a command without a shell, its arguments passed as they are, killed when it outlasts its timeout.</summary>
public static class CommandRunner
{
    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/> and, when given, extra environment variables.</summary>
    /// <returns>How it ended; a command that cannot start or outlasts <paramref name="timeout"/> is a result too. Only cancellation throws.</returns>
    public static async Task<CommandResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        TimeProvider time,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(time);
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception exception)
        {
            return new CommandResult(null, "", "", $"could not start {fileName}: {exception.Message}");
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return new CommandResult(null, await output.ConfigureAwait(false), await error.ConfigureAwait(false), $"timed out after {timeout.TotalSeconds:0.###} s and was killed");
        }

        return new CommandResult(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }
}
