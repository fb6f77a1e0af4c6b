using OpsFunctions.Durable.Client;
using OpsFunctions.Testing.Hosting;

namespace OpsFunctions.Durable.Tests;

public abstract class OrchestrationTestBase
{
    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    protected static Task<DurableTestHost> CreateSut(Action<DurableTaskRegistry> tasks, Action<DurableTaskOptions>? engine = null)
        => DurableTestHost.StartAsync(tasks, o => o.ConfigureEngine = engine, Cancellation);

    protected static async Task<OrchestrationMetadata> RunAsync(DurableTestHost host, TaskName name, object? input = null, string? instanceId = null)
    {
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(name, input, new StartOrchestrationOptions(instanceId), Cancellation);
        return await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);
    }

    /// <summary>Throws from an expression lambda without making the registry's sync and async overloads ambiguous.</summary>
    protected static T Throw<T>(Exception exception) => throw exception;

    protected static async Task<OrchestrationMetadata> GetAsync(DurableTestHost host, string instanceId)
        => await host.Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, Cancellation)
            ?? throw new InvalidOperationException($"instance {instanceId} not found");
}
