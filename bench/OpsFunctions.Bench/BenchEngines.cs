using OpsFunctions.Bench.Dtfx;

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

    /// <summary>Starts the engine with the workload's tasks (from <see cref="WorkloadTasks"/>): the same classes on both.</summary>
    public static async Task<IBenchEngine> StartAsync(BenchOptions options, Action<DurableTaskRegistry> tasks)
        => options.Engine == Dtfx
            ? await DtfxBenchHost.StartAsync(tasks).ConfigureAwait(false)
            : await BenchHost.StartAsync(options, tasks).ConfigureAwait(false);
}
