using System.Text.Json;

namespace OpsFunctions.FunctionApp.Tests;

/// <summary>
/// The files the Worker Sdk generated when it built OpsFunctions.FunctionApp, copied into <c>FunctionApp/</c> of the
/// test output by the target CopyFunctionAppGeneratedFiles of this project.
/// </summary>
internal static class FunctionAppOutput
{
    public static JsonDocument Read(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "FunctionApp", fileName);
        if (!File.Exists(path))
        {
            Assert.Fail(
                $"{path} is missing. The build copies it from OpsFunctions.FunctionApp's output, where the Worker Sdk "
                + "generates it (target CopyFunctionAppGeneratedFiles in OpsFunctions.FunctionApp.Tests.csproj): build this project.");
        }

        return JsonDocument.Parse(File.ReadAllText(path));
    }

    /// <summary>The functions of <c>functions.metadata</c>, each with its trigger binding.</summary>
    public static IReadOnlyList<FunctionEntry> Functions()
    {
        using var metadata = Read("functions.metadata");
        return
        [
            .. metadata.RootElement.EnumerateArray().Select(function => new FunctionEntry(
                function.GetProperty("name").GetString()!,
                function.GetProperty("entryPoint").GetString()!,
                [.. function.GetProperty("bindings").EnumerateArray().Select(binding => new BindingEntry(
                    binding.GetProperty("name").GetString()!,
                    binding.GetProperty("type").GetString()!,
                    binding.GetProperty("direction").GetString()!,
                    binding.TryGetProperty("route", out var route) ? route.GetString() : null,
                    binding.TryGetProperty("methods", out var methods) ? [.. methods.EnumerateArray().Select(m => m.GetString()!)] : [],
                    binding.TryGetProperty("authLevel", out var authLevel) ? authLevel.GetString() : null,
                    binding.TryGetProperty("schedule", out var schedule) ? schedule.GetString() : null))])),
        ];
    }
}

internal sealed record FunctionEntry(string Name, string EntryPoint, IReadOnlyList<BindingEntry> Bindings)
{
    /// <summary>Gets the trigger bindings: a function has exactly one.</summary>
    public IEnumerable<BindingEntry> Triggers => Bindings.Where(binding => binding.Type.EndsWith("Trigger", StringComparison.Ordinal));
}

internal sealed record BindingEntry(string Name, string Type, string Direction, string? Route, IReadOnlyList<string> Methods, string? AuthLevel, string? Schedule);
