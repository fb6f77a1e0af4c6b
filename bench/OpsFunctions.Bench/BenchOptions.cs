using System.Globalization;

namespace OpsFunctions.Bench;

/// <summary>The command line: <c>&lt;workload&gt; [--instances N] [--activities M] [--runs R] [--store sqlite|azurite] [--engine engine|dtfx] [--no-cache]</c>.</summary>
internal sealed record BenchOptions(string Workload, int Instances, int Activities, int Runs, string Store, bool NoCache)
{
    /// <summary>Gets how many requests are in flight at once (webhook-load).</summary>
    public int Concurrency { get; init; }

    /// <summary>Gets a value indicating whether every request carries its own Idempotency-Key (webhook-load).</summary>
    public bool Idempotency { get; init; }

    /// <summary>Gets the engine under test: the project's own (<c>engine</c>) or the Durable Task Framework (<c>dtfx</c>).</summary>
    public string Engine { get; init; } = BenchEngines.Engine;

    public const string Usage =
        "usage: OpsFunctions.Bench <chain|fanout|replay|idle|start-latency|webhook-load|incident-latency|incident-load> [--instances N] [--activities M] [--runs R] [--store sqlite|azurite] [--engine engine|dtfx] [--no-cache] [--concurrency C] [--idempotency]";

    public static BenchOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            throw new ArgumentException(Usage);
        }

        var options = new BenchOptions(args[0], Instances: 0, Activities: 0, Runs: 0, Store: "sqlite", NoCache: false);
        for (var i = 1; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--instances" => options with { Instances = ReadInt(args, ++i) },
                "--activities" => options with { Activities = ReadInt(args, ++i) },
                "--runs" => options with { Runs = ReadInt(args, ++i) },
                "--store" => options with { Store = Read(args, ++i) },
                "--engine" => options with { Engine = Read(args, ++i) },
                "--no-cache" => options with { NoCache = true },
                "--concurrency" => options with { Concurrency = ReadInt(args, ++i) },
                "--idempotency" => options with { Idempotency = true },
                _ => throw new ArgumentException($"unknown option '{args[i]}'. {Usage}"),
            };
        }

        return options.Engine switch
        {
            BenchEngines.Engine => options,
            BenchEngines.Dtfx when options.Store != "azurite"
                => throw new ArgumentException($"'--engine {BenchEngines.Dtfx}' runs on Azure Storage only: add '--store azurite'. {Usage}"),
            BenchEngines.Dtfx when !BenchEngines.PortableWorkloads.Contains(options.Workload)
                => throw new ArgumentException(
                    $"'--engine {BenchEngines.Dtfx}' runs the workloads {string.Join(", ", BenchEngines.PortableWorkloads)}, not '{options.Workload}'. {Usage}"),
            BenchEngines.Dtfx => options,
            _ => throw new ArgumentException($"unknown engine '{options.Engine}'; this build knows: {BenchEngines.Engine}, {BenchEngines.Dtfx}. {Usage}"),
        };
    }

    private static string Read(string[] args, int index)
        => index < args.Length ? args[index] : throw new ArgumentException($"'{args[index - 1]}' needs a value. {Usage}");

    private static int ReadInt(string[] args, int index)
        => int.TryParse(Read(args, index), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"'{args[index - 1]}' needs a positive whole number. {Usage}");
}
