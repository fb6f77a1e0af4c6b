using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace OpsFunctions.Cli;

/// <summary>Tables and panels for instances and their history.</summary>
internal static class Rendering
{
    public static void Instances(IAnsiConsole console, IReadOnlyList<JsonNode> instances)
    {
        if (instances.Count == 0)
        {
            console.WriteLine("No instances match.");
            return;
        }

        var table = new Table().AddColumns("Instance", "Name", "Status", "Created", "Updated");
        foreach (var instance in instances)
        {
            table.AddRow(
                Text(instance["instanceId"]),
                Text(instance["name"]),
                Status(instance["runtimeStatus"]?.GetValue<string>()),
                Text(instance["createdTime"]),
                Text(instance["lastUpdatedTime"]));
        }

        console.Write(table);
    }

    public static void Instance(IAnsiConsole console, JsonObject instance)
    {
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow(new Markup("[bold]Instance[/]"), Text(instance["instanceId"]));
        grid.AddRow(new Markup("[bold]Name[/]"), Text(instance["name"]));
        grid.AddRow(new Markup("[bold]Status[/]"), Status(instance["runtimeStatus"]?.GetValue<string>()));
        grid.AddRow(new Markup("[bold]Created[/]"), Text(instance["createdTime"]));
        grid.AddRow(new Markup("[bold]Updated[/]"), Text(instance["lastUpdatedTime"]));
        grid.AddRow(new Markup("[bold]Custom status[/]"), Json(instance["customStatus"]));
        grid.AddRow(new Markup("[bold]Input[/]"), Json(instance["input"]));
        grid.AddRow(new Markup("[bold]Output[/]"), Json(instance["output"]));
        console.Write(grid);

        if (instance["historyEvents"] is JsonArray history)
        {
            var timeline = new Table().Title("History").AddColumns("Time", "Event", "Name", "Detail");
            foreach (var entry in history.OfType<JsonObject>())
            {
                timeline.AddRow(
                    Text(entry["Timestamp"]),
                    Text(entry["EventType"]),
                    Text(entry["FunctionName"] ?? entry["Name"]),
                    Json(entry["Result"] ?? entry["Input"] ?? entry["Reason"] ?? entry["FireAt"] ?? entry["OrchestrationStatus"]));
            }

            console.Write(timeline);
        }
    }

    private static Text Text(JsonNode? node) => new(node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node?.ToJsonString() ?? string.Empty);

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Strings as their text, everything else as JSON without the escaping meant for HTML.</summary>
    private static Text Json(JsonNode? node)
        => new(node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node?.ToJsonString(Readable) ?? string.Empty);

    private static Markup Status(string? status) => new(status switch
    {
        "Completed" => "[green]Completed[/]",
        "Failed" => "[red]Failed[/]",
        "Terminated" => "[red]Terminated[/]",
        "Suspended" => "[yellow]Suspended[/]",
        null => string.Empty,
        _ => Markup.Escape(status),
    });
}
