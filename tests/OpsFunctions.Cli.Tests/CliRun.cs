using Spectre.Console;

namespace OpsFunctions.Cli.Tests;

/// <summary>Runs <c>ops</c> in-process with a console that records plain text.</summary>
public static class CliRun
{
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 400;
        var exitCode = await OpsCommand.RunAsync(args, console, name => environment.GetValueOrDefault(name), TestContext.Current.CancellationToken);
        return (exitCode, writer.ToString());
    }
}
