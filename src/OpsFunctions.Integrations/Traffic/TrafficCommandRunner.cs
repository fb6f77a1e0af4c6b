using System.ComponentModel;
using System.Diagnostics;
using OpsFunctions.Integrations.Http;

namespace OpsFunctions.Integrations.Traffic;

/// <summary>How a command ended: its exit code and output, or why it has none.</summary>
internal sealed record TrafficCommandResult(int? ExitCode, string StandardOutput, string StandardError, string? Failure = null)
{
    public bool Succeeded => Failure is null && ExitCode == 0;

    /// <summary>Why it failed, with the start of what it wrote (nginx writes its verdict on standard error).</summary>
    public string Describe()
    {
        var reason = Failure ?? $"exit code {ExitCode}";
        var said = HttpDelivery.Excerpt(StandardError.Length > 0 ? StandardError : StandardOutput);
        return said.Length > 0 ? $"{reason}: {said}" : reason;
    }
}

/// <summary>Runs a command without a shell, its arguments passed as they are, killed when it outlasts its timeout.</summary>
internal static class TrafficCommandRunner
{
    public static async Task<TrafficCommandResult> RunAsync(TrafficCommand command, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception exception)
        {
            return new TrafficCommandResult(null, "", "", $"could not start {command.FileName}: {exception.Message}");
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
            return new TrafficCommandResult(null, await output.ConfigureAwait(false), await error.ConfigureAwait(false), $"timed out after {timeout.TotalSeconds:0.###} s and was killed");
        }

        return new TrafficCommandResult(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
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
