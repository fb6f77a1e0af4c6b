using Microsoft.DurableTask.Worker;
using OpsFunctions.Testing.Dtfx;

namespace OpsFunctions.Bench.Dtfx;

/// <summary>
/// The Durable Task Framework on Azure Storage (Azurite) as a bench engine: <see cref="DtfxHost"/>, which runs the
/// official API's orchestrators and activities through the official shim on a fresh task hub deleted afterwards, with
/// the same workloads as <see cref="BenchHost"/>.
/// </summary>
/// <remarks>
/// Every framework setting is its default (<see cref="DtfxHost"/> lists them), and so is the official side:
/// <see cref="DurableTaskWorkerOptions"/>' own System.Text.Json converter, for worker and client. The client's wait
/// reads the instance when this process has run its orchestrator to the end instead of every 2 seconds.
/// </remarks>
internal sealed class DtfxBenchHost : IBenchEngine
{
    private readonly DtfxHost _host;

    private DtfxBenchHost(DtfxHost host) => _host = host;

    /// <summary>Gets null: the framework's storage requests are not counted.</summary>
    public (long Tables, long Queues, long Blobs)? StorageRequests => null;

    /// <summary>Creates a fresh task hub on Azurite and starts a worker for the tasks that <paramref name="tasks"/> registers.</summary>
    public static async Task<DtfxBenchHost> StartAsync(Action<DurableTaskRegistry> tasks)
    {
        var host = await DtfxHost.StartAsync(tasks, dataConverter: new DurableTaskWorkerOptions().DataConverter).ConfigureAwait(false);

        // On stderr with the progress: the settings a RESULT line was measured with, as this package version has them.
        var settings = host.Settings;
        await Console.Error.WriteLineAsync(
            $"dtfx: task hub {host.HubName}, {settings.PartitionCount} partitions, at most {settings.MaxConcurrentTaskOrchestrationWorkItems} orchestration "
            + $"and {settings.MaxConcurrentTaskActivityWorkItems} activity work items at once, extended sessions {(settings.ExtendedSessionsEnabled ? "on" : "off")}, "
            + $"queue polling up to {settings.MaxQueuePollingInterval.TotalSeconds:0.###} s, app lease {(settings.UseAppLease ? "on" : "off")}").ConfigureAwait(false);
        return new DtfxBenchHost(host);
    }

    public Task<string> ScheduleAsync(string orchestratorName, object? input)
        => _host.Client.ScheduleNewOrchestrationInstanceAsync(orchestratorName, input);

    public async Task<BenchCompletion> WaitForCompletionAsync(string instanceId, TimeSpan timeout)
    {
        using var patience = new CancellationTokenSource(timeout);
        try
        {
            var ended = await _host.Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, patience.Token).ConfigureAwait(false);
            return new BenchCompletion(instanceId, ended.RuntimeStatus.ToString(), ended.SerializedOutput, ended.FailureDetails?.ToString());
        }
        catch (OperationCanceledException) when (patience.IsCancellationRequested)
        {
            var state = await _host.Client.GetInstanceAsync(instanceId).ConfigureAwait(false);
            throw new TimeoutException($"instance {instanceId} was {state?.RuntimeStatus.ToString() ?? "not found"} after {timeout}");
        }
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
