using OpsFunctions.Bench.Dtfx;
using EngineRegistry = OpsFunctions.Durable.DurableTaskRegistry;
using OfficialRegistry = Microsoft.DurableTask.DurableTaskRegistry;

namespace OpsFunctions.Bench;

/// <summary>Starts the engine that <c>--engine</c> names, with a workload's tasks.</summary>
internal static class BenchEngines
{
    /// <summary>The project's own engine, on the store that <c>--store</c> names.</summary>
    public const string Engine = "engine";

    /// <summary>The Durable Task Framework on Azure Storage, running the official API through its shim.</summary>
    public const string Dtfx = "dtfx";

    /// <summary>Gets the workloads that run on either engine.</summary>
    public static IReadOnlyList<string> PortableWorkloads { get; } = ["chain", "start-latency", "fanout"];

    /// <summary>
    /// Starts the engine with the workload's tasks: <paramref name="engineTasks"/> for the project's engine, which does not
    /// take the official registry yet, and <paramref name="officialTasks"/> (from <see cref="WorkloadTasks"/>) for dtfx.
    /// </summary>
    public static async Task<IBenchEngine> StartAsync(BenchOptions options, Action<EngineRegistry> engineTasks, Action<OfficialRegistry> officialTasks)
        => options.Engine == Dtfx
            ? await DtfxBenchHost.StartAsync(officialTasks).ConfigureAwait(false)
            : await BenchHost.StartAsync(options, engineTasks).ConfigureAwait(false);
}
