using System.CommandLine;
using Spectre.Console;

namespace OpsFunctions.Cli;

/// <summary>What every command needs: where the host is, the key, and where to write.</summary>
internal sealed class CommandContext(
    IAnsiConsole console, Func<string, string?> environment, Option<string?> url, Option<string?> key, HttpMessageHandler? handler)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public IAnsiConsole Console { get; } = console;

    public Uri BaseAddress(ParseResult parse)
    {
        var value = parse.GetValue(url) ?? environment(OpsCommand.UrlVariable) ?? OpsCommand.DefaultUrl;
        if (!Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw new CliException($"--url '{value}' is not an http(s) address.", ExitCodes.Usage);
        }

        return address;
    }

    public async Task<int> RunAsync(ParseResult parse, Func<ManagementClient, Task> action)
    {
        try
        {
            using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
            http.Timeout = RequestTimeout;
            await action(new ManagementClient(http, BaseAddress(parse), parse.GetValue(key) ?? environment(OpsCommand.KeyVariable)));
            return ExitCodes.Ok;
        }
        catch (CliException exception)
        {
            Console.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
            return exception.ExitCode;
        }
    }
}
