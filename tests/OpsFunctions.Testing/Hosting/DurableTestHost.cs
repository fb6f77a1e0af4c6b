using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpsFunctions.Durable;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Testing.Hosting;

/// <summary>
/// An in-process engine over a temporary embedded store with a fake clock: advancing the clock fires
/// due timers, so a test of a four-hour escalation runs in milliseconds.
/// </summary>
/// <example>
/// <code>
/// await using var host = await DurableTestHost.StartAsync(tasks => tasks.AddOrchestrator&lt;Ladder&gt;());
/// var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Ladder));
/// await host.AdvanceTimeAsync(TimeSpan.FromHours(4));
/// var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true);
/// </code>
/// </example>
public sealed class DurableTestHost : IAsyncDisposable
{
    /// <summary>The fake clock's starting time.</summary>
    public static readonly DateTimeOffset DefaultStartTime = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    private readonly IHost _host;
    private readonly ObservedStore _store;
    private readonly string _directory;

    private DurableTestHost(IHost host, FakeTimeProvider timeProvider, ObservedStore store, string directory)
    {
        _host = host;
        TimeProvider = timeProvider;
        _store = store;
        _directory = directory;
        Client = host.Services.GetRequiredService<DurableTaskClient>();
    }

    /// <summary>Gets the client.</summary>
    public DurableTaskClient Client { get; }

    /// <summary>Gets the fake clock every part of the engine reads.</summary>
    public FakeTimeProvider TimeProvider { get; }

    /// <summary>Gets the host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Gets the store, for assertions on history.</summary>
    public IDurableStore Store => _store;

    /// <summary>Gets or sets how long <see cref="WaitForIdleAsync"/> waits in real time before failing.</summary>
    public TimeSpan IdleTimeout { get; set; } = Eventually.Patience;

    /// <summary>Starts a host with the given orchestrators and activities.</summary>
    /// <param name="configureTasks">Registers orchestrators and activities.</param>
    /// <param name="configure">Adjusts services and engine options.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The started host.</returns>
    public static async Task<DurableTestHost> StartAsync(
        Action<DurableTaskRegistry> configureTasks,
        Action<DurableTestHostOptions>? configure = null,
        CancellationToken cancellationToken = default)
    {
        var options = new DurableTestHostOptions();
        configure?.Invoke(options);
        var directory = Directory.CreateTempSubdirectory("opsfunctions-test-").FullName;
        var timeProvider = new FakeTimeProvider(options.StartTime);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(timeProvider);
        builder.Services
            .AddDurableTask(engine =>
            {
                engine.MaxConcurrentActivities = 8;
                engine.MaxConcurrentOrchestrations = 8;
                options.ConfigureEngine?.Invoke(engine);
            })
            .AddTasks(configureTasks)
            .UseSqlite($"Data Source={Path.Combine(directory, "hub.db")}");

        // Wrap the store so the host can tell when the engine has nothing left to do.
        var storeFactory = builder.Services.Last(d => d.ServiceType == typeof(IDurableStore)).ImplementationFactory!;
        builder.Services.AddSingleton(sp => new ObservedStore((IDurableStore)storeFactory(sp)));
        builder.Services.AddSingleton<IDurableStore>(sp => sp.GetRequiredService<ObservedStore>());
        options.ConfigureServices?.Invoke(builder.Services);

        var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        return new DurableTestHost(host, timeProvider, host.Services.GetRequiredService<ObservedStore>(), directory);
    }

    /// <summary>Waits until no work item is running and no queued message is visible.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the engine is idle.</returns>
    /// <exception cref="TimeoutException">The engine was still busy after <see cref="IdleTimeout"/> of real time.</exception>
    public async Task WaitForIdleAsync(CancellationToken cancellationToken = default)
    {
        var deadline = System.TimeProvider.System.GetTimestamp();
        while (!_store.IsIdle)
        {
            if (System.TimeProvider.System.GetElapsedTime(deadline) > IdleTimeout)
            {
                throw new TimeoutException($"The engine did not become idle within {IdleTimeout}: {_store.Describe()}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1), System.TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Lets the engine settle, advances the fake clock, and lets the engine settle again.</summary>
    /// <param name="delta">How far to advance.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when every timer due by then has fired and its work is done.</returns>
    public async Task AdvanceTimeAsync(TimeSpan delta, CancellationToken cancellationToken = default)
    {
        await WaitForIdleAsync(cancellationToken).ConfigureAwait(false);

        // The clock moves first: a poll that counts for the change must see the new time, or the queue looks empty
        // with a timer already due.
        TimeProvider.Advance(delta);
        _store.MarkTimeChanged();
        await WaitForIdleAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS temp cleaner rather than failing the test.
        }
    }
}

/// <summary>
/// Options of <see cref="DurableTestHost"/>.
/// </summary>
public sealed class DurableTestHostOptions
{
    /// <summary>Gets or sets the fake clock's starting time.</summary>
    public DateTimeOffset StartTime { get; set; } = DurableTestHost.DefaultStartTime;

    /// <summary>Gets or sets a callback that adjusts engine options.</summary>
    public Action<DurableTaskOptions>? ConfigureEngine { get; set; }

    /// <summary>Gets or sets a callback that adds or replaces services.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }
}
