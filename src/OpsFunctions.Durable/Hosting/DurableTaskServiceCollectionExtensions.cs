using System.Diagnostics.Metrics;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpsFunctions.Durable;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.Diagnostics;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Durable.Worker;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Plugs the engine into the official builders, the way <c>UseGrpc()</c> plugs in the gRPC backend:
/// <c>services.AddDurableTaskWorker(b => b.AddTasks(r => ...).UseSqlite(...))</c> and
/// <c>services.AddDurableTaskClient(b => b.UseSqlite(...))</c>. <see cref="AddDurableTask"/> does both in one call.
/// </summary>
public static class DurableTaskServiceCollectionExtensions
{
    /// <summary>Adds the official worker and client of the default name, both on this engine.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the engine's options.</param>
    /// <returns>The builder, to add tasks and a store.</returns>
    public static IDurableTaskBuilder AddDurableTask(this IServiceCollection services, Action<DurableTaskOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddDurableTaskWorker(worker => worker.UseBuildTarget<StoreDurableTaskWorker>());
        services.AddDurableTaskClient(client => client.UseBuildTarget<StoreDurableTaskClient>());
        AddEngine(services, configure);
        return new DurableTaskBuilder(services);
    }

    /// <summary>Adds orchestrators and activities to the default worker's official registry.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adds to the registry.</param>
    /// <returns>The builder.</returns>
    public static IDurableTaskBuilder AddTasks(this IDurableTaskBuilder builder, Action<DurableTaskRegistry> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(Options.Options.DefaultName, configure);
        return builder;
    }

    /// <summary>Sets the store; backends call this from their <c>UseXxx</c> method.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the store once.</param>
    /// <returns>The builder.</returns>
    public static IDurableTaskBuilder UseStore(this IDurableTaskBuilder builder, Func<IServiceProvider, IDurableStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        SetStore(builder.Services, factory);
        return builder;
    }

    /// <summary>Runs the official worker on this engine over the store <paramref name="factory"/> creates.</summary>
    /// <param name="builder">The official worker builder.</param>
    /// <param name="factory">Creates the store once; a client of the same process shares it.</param>
    /// <param name="configure">Configures the engine's options (task hub name, concurrency, lock timeout).</param>
    /// <returns>The builder.</returns>
    public static IDurableTaskWorkerBuilder UseStore(
        this IDurableTaskWorkerBuilder builder, Func<IServiceProvider, IDurableStore> factory, Action<DurableTaskOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseBuildTarget<StoreDurableTaskWorker>();
        AddEngine(builder.Services, configure);
        SetStore(builder.Services, factory);
        return builder;
    }

    /// <summary>Runs the official client on this engine over the store <paramref name="factory"/> creates.</summary>
    /// <param name="builder">The official client builder.</param>
    /// <param name="factory">Creates the store once; a worker of the same process shares it.</param>
    /// <param name="configure">Configures the engine's options (task hub name).</param>
    /// <returns>The builder.</returns>
    public static IDurableTaskClientBuilder UseStore(
        this IDurableTaskClientBuilder builder, Func<IServiceProvider, IDurableStore> factory, Action<DurableTaskOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseBuildTarget<StoreDurableTaskClient>();
        AddEngine(builder.Services, configure);
        SetStore(builder.Services, factory);
        return builder;
    }

    private static void AddEngine(IServiceCollection services, Action<DurableTaskOptions>? configure)
    {
        var options = services.AddOptions<DurableTaskOptions>().ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);

        // The official worker and client options take their converter from this service unless one is set on them.
        services.TryAddSingleton<DataConverter>(JsonDataConverter.Default);
        services.TryAddSingleton(static sp => new DurableMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<InstanceChangeNotifier>();
        services.TryAddSingleton<OrchestrationCache>();

        // The default worker's registry, for hosts that ask what is registered (a webhook naming an orchestrator).
        services.TryAddSingleton(static sp => sp.GetRequiredService<IOptionsMonitor<DurableTaskRegistry>>().Get(Options.Options.DefaultName));
    }

    private static void SetStore(IServiceCollection services, Func<IServiceProvider, IDurableStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);

        // One store per process: the worker and the client of a hub share it, so local dispatch and commit notices work.
        services.RemoveAll<IDurableStore>();
        services.AddSingleton(factory);
    }

    private sealed class DurableTaskBuilder(IServiceCollection services) : IDurableTaskBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
