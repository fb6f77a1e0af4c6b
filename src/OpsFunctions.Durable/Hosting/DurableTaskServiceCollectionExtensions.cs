using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OpsFunctions.Durable;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.Diagnostics;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Durable.Worker;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the durable engine: <c>services.AddDurableTask(o => o.HubName = "ops").AddTasks(r => ...).UseSqlite(...)</c>.
/// </summary>
public static class DurableTaskServiceCollectionExtensions
{
    /// <summary>Adds the engine: the worker as a hosted service and a <see cref="DurableTaskClient"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder, to add tasks and a store.</returns>
    public static IDurableTaskBuilder AddDurableTask(this IServiceCollection services, Action<DurableTaskOptions>? configure = null)
    {
        var options = services.AddOptions<DurableTaskOptions>().ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DataConverter>(JsonDataConverter.Default);
        services.TryAddSingleton(static sp =>
        {
            var registry = new DurableTaskRegistry();
            foreach (var configuration in sp.GetServices<RegistryConfiguration>())
            {
                configuration.Configure(registry);
            }

            return registry;
        });
        services.TryAddSingleton(static sp => new DurableMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<InstanceChangeNotifier>();
        services.TryAddSingleton<OrchestrationCache>();
        services.TryAddSingleton<OrchestrationProcessor>();
        services.TryAddSingleton<ActivityProcessor>();
        services.TryAddSingleton<DurableTaskClient, StoreDurableTaskClient>();
        // One worker however often AddDurableTask is called.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DurableTaskWorker>());
        return new DurableTaskBuilder(services);
    }

    /// <summary>Adds orchestrators and activities.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adds to the registry.</param>
    /// <returns>The builder.</returns>
    public static IDurableTaskBuilder AddTasks(this IDurableTaskBuilder builder, Action<DurableTaskRegistry> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddSingleton(new RegistryConfiguration(configure));
        return builder;
    }

    /// <summary>Sets the store; backends call this from their <c>UseXxx</c> method.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the store once.</param>
    /// <returns>The builder.</returns>
    public static IDurableTaskBuilder UseStore(this IDurableTaskBuilder builder, Func<IServiceProvider, IDurableStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<IDurableStore>();
        builder.Services.AddSingleton(factory);
        return builder;
    }

    private sealed class DurableTaskBuilder(IServiceCollection services) : IDurableTaskBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}

/// <summary>One <c>AddTasks</c> call, applied to the registry when the worker starts.</summary>
/// <param name="Configure">Adds to the registry.</param>
internal sealed record RegistryConfiguration(Action<DurableTaskRegistry> Configure);
