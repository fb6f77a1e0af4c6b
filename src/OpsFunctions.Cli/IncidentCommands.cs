using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace OpsFunctions.Cli;

/// <summary>The incident commands: <c>ops incidents</c>, <c>ops ack</c>, <c>ops resolve</c>, over the host's <c>/api/incidents</c> routes.</summary>
internal static class IncidentCommands
{
    public static Command Act(CommandContext context, string name, string verb)
    {
        var id = new Argument<string>("id") { Description = "The incident id." };
        var actor = new Option<string?>("--actor") { Description = $"Who does it; recorded on the incident (required)." };
        var note = new Option<string?>("--note") { Description = "A note for the timeline." };
        var command = new Command(name, $"{char.ToUpperInvariant(verb[0])}{verb[1..]} an incident.") { id, actor, note };
        command.SetAction((parse, ct) => context.RunAsync(parse, functionRoutes: true, async client =>
        {
            if (string.IsNullOrWhiteSpace(parse.GetValue(actor)))
            {
                throw new CliException($"--actor is required: say who {(verb == "acknowledge" ? "acknowledges" : "resolves")} the incident.", ExitCodes.Usage);
            }

            var incidentId = parse.GetValue(id)!;
            var body = new JsonObject { ["actor"] = parse.GetValue(actor), ["note"] = parse.GetValue(note) };
            await client.PostForJsonAsync($"api/incidents/{Uri.EscapeDataString(incidentId)}/{name}", body.ToJsonString(), ct);
            context.Console.MarkupLineInterpolated($"Asked incident [bold]{incidentId}[/] to {verb}, as {parse.GetValue(actor)}.");
        }));
        return command;
    }

    public static Command List(CommandContext context)
    {
        var state = new Option<string?>("--state") { Description = "Only this state (Open, Acknowledged, Resolved, Unacknowledged)." };
        var service = new Option<string?>("--service") { Description = "Only this service." };
        var severity = new Option<string?>("--severity") { Description = "Only this severity (critical, high, warning, info)." };
        var top = new Option<int>("--top") { Description = "The most incidents to show.", DefaultValueFactory = _ => 50 };
        var command = new Command("incidents", "List incidents, newest first.") { state, service, severity, top };
        command.SetAction((parse, ct) => context.RunAsync(parse, functionRoutes: true, async client =>
        {
            var most = Math.Clamp(parse.GetValue(top), 1, 1000);
            var query = new List<string> { $"top={most}" };
            foreach (var (name, option) in new[] { ("state", state), ("service", service), ("severity", severity) })
            {
                if (parse.GetValue(option) is { Length: > 0 } value)
                {
                    query.Add($"{name}={Uri.EscapeDataString(value)}");
                }
            }

            var rows = new List<JsonNode>();
            string? continuation = null;
            do
            {
                var (page, next) = await client.IncidentsAsync("?" + string.Join('&', query), continuation, ct);
                rows.AddRange(page.Where(p => p is not null)!);
                continuation = next;
            }
            while (continuation is not null && rows.Count < most);

            Render(context.Console, [.. rows.Take(most)]);
        }));
        return command;
    }

    private static void Render(IAnsiConsole console, IReadOnlyList<JsonNode> incidents)
    {
        if (incidents.Count == 0)
        {
            console.WriteLine("No incidents match.");
            return;
        }

        var table = new Table().AddColumns("Incident", "Title", "Service", "Severity", "State", "Opened", "Acknowledged by", "Resolved by");
        foreach (var incident in incidents)
        {
            table.AddRow(
                [.. new[] { "id", "title", "service", "severity", "state", "openedAt", "acknowledgedBy", "resolvedBy" }
                    .Select(field => new Text(incident[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : string.Empty))]);
        }

        console.Write(table);
    }
}
