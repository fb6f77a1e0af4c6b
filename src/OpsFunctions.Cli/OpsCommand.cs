using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace OpsFunctions.Cli;

/// <summary>
/// The <c>ops</c> command: the host's management API with the admin key, for people at a terminal.
/// </summary>
public static class OpsCommand
{
    public const string DefaultUrl = "http://127.0.0.1:7071";
    public const string UrlVariable = "OPS_URL";
    public const string KeyVariable = "OPS_ADMIN_KEY";
    public const string FunctionKeyVariable = "OPS_FUNCTION_KEY";
    private const string Api = ManagementClient.Api;

    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, Func<string, string?> environment, CancellationToken cancellationToken, HttpMessageHandler? handler = null)
    {
        var url = new Option<string?>("--url") { Description = $"The host's address ({UrlVariable}; default {DefaultUrl}).", Recursive = true };
        var key = new Option<string?>("--key") { Description = $"The admin key ({KeyVariable}).", Recursive = true };
        var functionKey = new Option<string?>("--function-key") { Description = $"The function key, for the incident commands ({FunctionKeyVariable}; the admin key when unset).", Recursive = true };
        var root = new RootCommand("ops: inspect and steer OpsFunctions orchestrations through the host's management API.") { url, key, functionKey };

        var context = new CommandContext(console, environment, url, key, functionKey, handler);
        root.Add(ListCommand(context));
        root.Add(ShowCommand(context));
        root.Add(StartCommand(context));
        root.Add(RaiseCommand(context));
        foreach (var action in new[] { "terminate", "suspend", "resume" })
        {
            root.Add(ControlCommand(context, action));
        }

        root.Add(PurgeCommand(context));
        root.Add(ApproveCommand(context));
        root.Add(IncidentCommands.List(context));
        root.Add(IncidentCommands.Act(context, "ack", "acknowledge"));
        root.Add(IncidentCommands.Act(context, "resolve", "resolve"));

        var output = console.Profile.Out.Writer;
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, cancellationToken);
    }

    private static Command ListCommand(CommandContext context)
    {
        var status = new Option<string[]>("--status") { Description = "Only these statuses (Running, Completed, Failed, ...).", AllowMultipleArgumentsPerToken = true };
        var prefix = new Option<string?>("--prefix") { Description = "Only instance ids starting with this." };
        var top = new Option<int>("--top") { Description = "The most instances to show.", DefaultValueFactory = _ => 50 };
        var command = new Command("list", "List instances, oldest first.") { status, prefix, top };
        command.SetAction((parse, ct) => context.RunAsync(parse, async client =>
        {
            var query = new List<string> { $"top={Math.Clamp(parse.GetValue(top), 1, 1000)}" };
            if (parse.GetValue(status) is { Length: > 0 } statuses)
            {
                query.Add("runtimeStatus=" + Uri.EscapeDataString(string.Join(',', statuses.SelectMany(s => s.Split(',')))));
            }

            if (parse.GetValue(prefix) is { Length: > 0 } idPrefix)
            {
                query.Add("instanceIdPrefix=" + Uri.EscapeDataString(idPrefix));
            }

            var rows = new List<JsonNode>();
            string? continuation = null;
            do
            {
                var (page, next) = await client.ListAsync("?" + string.Join('&', query), continuation, ct);
                rows.AddRange(page.Where(p => p is not null)!);
                continuation = next;
            }
            while (continuation is not null && rows.Count < parse.GetValue(top));

            Rendering.Instances(context.Console, rows.Take(parse.GetValue(top)).ToList());
        }));
        return command;
    }

    private static Command ShowCommand(CommandContext context)
    {
        var id = new Argument<string>("id") { Description = "The instance id." };
        var history = new Option<bool>("--history") { Description = "Show the history as a timeline." };
        var command = new Command("show", "Show an instance: status, input, output, and optionally its history.") { id, history };
        command.SetAction((parse, ct) => context.RunAsync(parse, async client =>
        {
            var instance = await client.GetAsync(parse.GetValue(id)!, parse.GetValue(history), ct);
            Rendering.Instance(context.Console, instance);
        }));
        return command;
    }

    private static Command StartCommand(CommandContext context)
    {
        var name = new Argument<string>("name") { Description = "The orchestrator name." };
        var input = new Option<string?>("--input") { Description = "The input as JSON." };
        var id = new Option<string?>("--id") { Description = "The instance id; a new one when left out." };
        var command = new Command("start", "Start an orchestration.") { name, input, id };
        command.SetAction((parse, ct) => context.RunAsync(parse, async client =>
        {
            var started = await client.StartAsync(parse.GetValue(name)!, parse.GetValue(id), Json(parse.GetValue(input), "--input"), ct);
            context.Console.MarkupLineInterpolated($"Started [bold]{started["id"]?.GetValue<string>()}[/]");
            context.Console.WriteLine($"Status: {started["statusQueryGetUri"]?.GetValue<string>()}");
        }));
        return command;
    }

    private static Command RaiseCommand(CommandContext context)
    {
        var id = new Argument<string>("id") { Description = "The instance id." };
        var eventName = new Argument<string>("event") { Description = "The event name." };
        var payload = new Argument<string?>("json") { Description = "The payload as JSON.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("raise", "Raise an external event on an instance.") { id, eventName, payload };
        command.SetAction((parse, ct) => context.RunAsync(parse, async client =>
        {
            var instanceId = parse.GetValue(id)!;
            await client.PostAsync(
                $"{Api}/instances/{Uri.EscapeDataString(instanceId)}/raiseEvent/{Uri.EscapeDataString(parse.GetValue(eventName)!)}",
                Json(parse.GetValue(payload), "json"),
                ct);
            context.Console.MarkupLineInterpolated($"Raised [bold]{parse.GetValue(eventName)}[/] on {instanceId}.");
        }));
        return command;
    }

    private static Command ControlCommand(CommandContext context, string action)
    {
        var id = new Argument<string>("id") { Description = "The instance id." };
        var reason = new Option<string?>("--reason") { Description = "Why; recorded with the request." };
        var command = new Command(action, $"{char.ToUpperInvariant(action[0])}{action[1..]} an instance.") { id, reason };
        command.SetAction((parse, ct) => context.RunAsync(parse, async client =>
        {
            var instanceId = parse.GetValue(id)!;
            var query = parse.GetValue(reason) is { } why ? "?reason=" + Uri.EscapeDataString(why) : string.Empty;
            await client.PostAsync($"{Api}/instances/{Uri.EscapeDataString(instanceId)}/{action}{query}", null, ct);
            context.Console.WriteLine($"Asked {instanceId} to {action}.");
        }));
        return command;
    }

    private static Command PurgeCommand(CommandContext context)
    {
        var id = new Argument<string>("id") { Description = "The instance id (it must have ended)." };
        var command = new Command("purge", "Delete an ended instance and its history.") { id };
        command.SetAction((parse, ct) => context.RunAsync(parse, async client =>
        {
            var deleted = await client.PurgeAsync(parse.GetValue(id)!, ct);
            context.Console.WriteLine($"Purged {deleted} instance(s).");
        }));
        return command;
    }

    private static Command ApproveCommand(CommandContext context)
    {
        var token = new Argument<string>("token") { Description = "The approval token, or the whole approval link." };
        var command = new Command("approve", "Redeem an approval link: raise its decision on the waiting instance.") { token };
        command.SetAction((parse, ct) => context.RunAsync(parse, async client =>
        {
            var value = parse.GetValue(token)!;
            var link = Uri.TryCreate(value, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https"
                ? absolute
                : new Uri(context.BaseAddress(parse), $"api/approvals/{Uri.EscapeDataString(value)}");
            context.Console.WriteLine(await client.ApproveAsync(link, ct));
        }));
        return command;
    }

    /// <summary>Checks JSON given on the command line before sending it, naming the argument.</summary>
    private static string? Json(string? value, string what)
    {
        if (value is null)
        {
            return null;
        }

        try
        {
            JsonNode.Parse(value);
            return value;
        }
        catch (JsonException exception)
        {
            throw new CliException($"{what} is not valid JSON: {exception.Message}", ExitCodes.Usage);
        }
    }
}
