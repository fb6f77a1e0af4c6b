using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Testing.Hosting;

namespace OpsFunctions.Durable.Tests.Parity;

/// <summary>
/// A <see cref="DurableTestHost"/> whose store records every committed episode, so each execution of an instance can be
/// replayed through Microsoft's executor afterwards.
/// </summary>
internal sealed class ParityHost : IAsyncDisposable
{
    private ParityHost(DurableTestHost host, RecordingStore recorder)
    {
        Host = host;
        Recorder = recorder;
    }

    public DurableTestHost Host { get; }

    public RecordingStore Recorder { get; }

    public DurableTaskClient Client => Host.Client;

    public static async Task<ParityHost> StartAsync(Action<DurableTaskRegistry> tasks, CancellationToken cancellationToken)
    {
        var host = await DurableTestHost.StartAsync(
            tasks,
            options => options.ConfigureServices = services =>
            {
                // The store the test host watches for idleness stays underneath; the engine talks to the recorder.
                var observed = services.Last(d => d.ServiceType == typeof(IDurableStore)).ImplementationFactory!;
                services.AddSingleton(sp => new RecordingStore((IDurableStore)observed(sp)));
                services.AddSingleton<IDurableStore>(sp => sp.GetRequiredService<RecordingStore>());
            },
            cancellationToken).ConfigureAwait(false);
        return new ParityHost(host, host.Services.GetRequiredService<RecordingStore>());
    }

    /// <summary>
    /// Replays every recorded execution of <paramref name="instanceId"/> through Microsoft's executor, after checking
    /// that the recorded episodes of the last execution are the history the store keeps.
    /// </summary>
    public async Task<IReadOnlyList<EpisodeParity>> CompareAsync<TOrchestrator>(string instanceId, CancellationToken cancellationToken)
        where TOrchestrator : ITaskOrchestrator, new()
    {
        var executions = Recorder.ExecutionsOf(instanceId);
        Assert.NotEmpty(executions);
        IReadOnlyList<HistoryEvent> stored = await Host.Store.ReadHistoryAsync(instanceId, cancellationToken).ConfigureAwait(false);
        // Compared in their stored form: a failure read back is a new object whose properties compare by reference.
        Assert.Equal(stored.Select(HistorySerializer.Serialize), executions[^1].History.Select(HistorySerializer.Serialize));
        return OfficialReplay.Compare(instanceId, executions, () => new TOrchestrator());
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
