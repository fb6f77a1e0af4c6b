namespace OpsFunctions.Durable.Tests;

public sealed class SubOrchestrationTests : OrchestrationTestBase
{
    [Fact]
    public async Task CallSubOrchestratorAsync_ExplicitInstanceId_ReturnsChildOutput()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<int, int>("Triple", (_, n) => n * 3)
            .AddOrchestratorFunc<int, int>("Child", (context, n) => context.CallActivityAsync<int>("Triple", n))
            .AddOrchestratorFunc<int, int>("Parent", async (context, n) =>
            {
                var a = await context.CallSubOrchestratorAsync<int>("Child", n, new SubOrchestrationOptions(instanceId: "child-a"));
                var b = await context.CallSubOrchestratorAsync<int>("Child", n + 1);
                return a + b;
            }));

        var result = await RunAsync(host, "Parent", 2, "parent-1");

        Assert.Equal((2 * 3) + (3 * 3), result.ReadOutputAs<int>());
        var child = await GetAsync(host, "child-a");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child.RuntimeStatus);
        Assert.Equal(6, child.ReadOutputAs<int>());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await GetAsync(host, "parent-1:0001")).RuntimeStatus);
    }

    [Fact]
    public async Task CallSubOrchestratorAsync_ChildFails_ParentSeesTaskFailedException()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Child", (_, _) => Throw<Task<string>>(new InvalidOperationException("rollback failed")))
            .AddOrchestratorFunc<string, string>("Parent", async (context, _) =>
            {
                try
                {
                    await context.CallSubOrchestratorAsync<string>("Child");
                    return "no failure";
                }
                catch (TaskFailedException failure)
                {
                    return $"{failure.FailureDetails.ErrorType}|{failure.FailureDetails.ErrorMessage}";
                }
            }));

        var result = await RunAsync(host, "Parent");

        Assert.Equal($"{typeof(InvalidOperationException).FullName}|rollback failed", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task CallSubOrchestratorAsync_ChildTerminated_ParentSeesFailure()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Child", (context, _) => context.WaitForExternalEvent<string>("Never"))
            .AddOrchestratorFunc<string, string>("Parent", async (context, _) =>
            {
                try
                {
                    return await context.CallSubOrchestratorAsync<string>("Child", null, new SubOrchestrationOptions(instanceId: "stuck-child"));
                }
                catch (TaskFailedException failure)
                {
                    return failure.FailureDetails.ErrorType;
                }
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent", cancellation: Cancellation);
        await host.WaitForIdleAsync(Cancellation);
        await host.Client.TerminateInstanceAsync("stuck-child", "operator gave up", Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal("Terminated", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task CallSubOrchestratorAsync_IdAlreadyRunning_FailsTheCall()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Waiter", (context, _) => context.WaitForExternalEvent<string>("Go"))
            .AddOrchestratorFunc<string, string>("Parent", async (context, _) =>
            {
                try
                {
                    return await context.CallSubOrchestratorAsync<string>("Waiter", null, new SubOrchestrationOptions(instanceId: "busy"));
                }
                catch (TaskFailedException failure)
                {
                    return failure.FailureDetails.ErrorType;
                }
            }));

        await host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", new StartOrchestrationOptions("busy"), Cancellation);
        await host.WaitForIdleAsync(Cancellation);

        var result = await RunAsync(host, "Parent");

        Assert.Equal("InstanceAlreadyRunning", result.ReadOutputAs<string>());
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await GetAsync(host, "busy")).RuntimeStatus);
    }
}
