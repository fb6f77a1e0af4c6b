using System.Text.RegularExpressions;
using OpsFunctions.Testing;

namespace OpsFunctions.Operations.Tests;

/// <summary>
/// Features depend one way: among the folders of a project (<c>OpsFunctions.Operations.Incidents</c>,
/// <c>OpsFunctions.Host.Management</c>...), the <c>using</c> directives form no cycle. A project's root namespace holds
/// what its folders share and its registrations, and is left out.
/// </summary>
public sealed partial class NamespaceDependencyTests
{
    public static TheoryData<string> Projects => ["OpsFunctions.Operations", "OpsFunctions.Host", "OpsFunctions.FunctionApp", "OpsFunctions.Integrations", "OpsFunctions.Durable"];

    [Theory]
    [MemberData(nameof(Projects))]
    public void FoldersOfAProject_DependOnEachOtherWithoutCycles(string project)
    {
        var graph = Dependencies(Path.Combine(ProjectScripts.RepositoryRoot, "src", project), project);
        Assert.NotEmpty(graph);

        var cycle = FindCycle(graph);

        Assert.True(cycle is null, $"namespace cycle in {project}: {string.Join(" -> ", cycle ?? [])}");
    }

    [Fact]
    public void FindCycle_ReportsACycle()
    {
        var graph = new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A"],
        };

        Assert.Equal(["A", "B", "C", "A"], FindCycle(graph));
    }

    /// <summary>Each folder namespace (the project's namespace plus one segment) and the folder namespaces it uses.</summary>
    private static Dictionary<string, HashSet<string>> Dependencies(string directory, string project)
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            if (Folder(NamespaceDeclaration().Match(text).Groups[1].Value, project) is not { } from)
            {
                continue;
            }

            var uses = graph.TryGetValue(from, out var existing) ? existing : graph[from] = [];
            foreach (Match use in UsingDirective().Matches(text))
            {
                if (Folder(use.Groups[1].Value, project) is { } to && to != from)
                {
                    uses.Add(to);
                }
            }
        }

        return graph;
    }

    private static string? Folder(string name, string project)
    {
        if (!name.StartsWith(project + ".", StringComparison.Ordinal))
        {
            return null;
        }

        var segment = name[(project.Length + 1)..].Split('.')[0];
        return $"{project}.{segment}";
    }

    private static List<string>? FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var start in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(start) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        List<string>? Visit(string node)
        {
            var index = path.IndexOf(node);
            if (index >= 0)
            {
                return [.. path[index..], node];
            }

            if (!done.Add(node))
            {
                return null;
            }

            path.Add(node);
            foreach (var next in (graph.TryGetValue(node, out var uses) ? uses : []).Order(StringComparer.Ordinal))
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }
    }

    [GeneratedRegex(@"^namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^using\s+([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();
}
