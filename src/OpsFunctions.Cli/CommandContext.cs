using System.CommandLine;
using Spectre.Console;

namespace OpsFunctions.Cli;

/// <summary>What every command needs: where the host is, the key, and where to write.</summary>
internal sealed class CommandContext(
    IAnsiConsole console, Func<string, string?> environment, Option<string?> url, Option<string?> key, Option<string?> functionKey, HttpMessageHandler? handler)
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

    public Task<int> RunAsync(ParseResult parse, Func<ManagementClient, Task> action)
        => RunAsync(parse, functionRoutes: false, action);

    /// <summary>
    /// Runs <paramref name="action"/> with a client for the host. <paramref name="functionRoutes"/>: the action calls
    /// <c>/api/</c> routes, so it sends the function key (<c>--function-key</c>, <c>OPS_FUNCTION_KEY</c>), else the admin key.
    /// </summary>
    public async Task<int> RunAsync(ParseResult parse, bool functionRoutes, Func<ManagementClient, Task> action)
    {
        try
        {
            using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
            http.Timeout = RequestTimeout;
            var adminKey = parse.GetValue(key) ?? environment(OpsCommand.KeyVariable);
            var client = functionRoutes && (parse.GetValue(functionKey) ?? environment(OpsCommand.FunctionKeyVariable)) is { Length: > 0 } function
                ? new ManagementClient(http, BaseAddress(parse), function, KeyKind.Function)
                : new ManagementClient(http, BaseAddress(parse), adminKey, functionRoutes ? KeyKind.AdminForFunction : KeyKind.Admin);
            await action(client);
            return ExitCodes.Ok;
        }
        catch (CliException exception)
        {
            Console.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
            return exception.ExitCode;
        }
    }
}
