using OrchestrationAlreadyExistsException = DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException;
using Microsoft.Data.Sqlite;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Testing.Samples;

namespace OpsFunctions.Durable.Tests;

/// <summary>The official Microsoft.DurableTask surface, as the engine runs it.</summary>
public sealed class OfficialProgrammingModelTests : OrchestrationTestBase
{
    [Fact]
    public async Task OfficialBuilders_UseSqlite_RunTheDocumentationsOrchestratorOnOneSharedStore()
    {
        var directory = Directory.CreateTempSubdirectory("opsfunctions-official-").FullName;
        var connectionString = $"Data Source={Path.Combine(directory, "hub.db")}";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDurableTaskWorker(worker => worker
            .AddTasks(tasks => tasks.AddOrchestrator<HelloCities>().AddActivity<SayHello>())
            .UseSqlite(connectionString, engine: options => options.HubName = "docs"));
        builder.Services.AddDurableTaskClient(client => client.UseSqlite(connectionString));
        using var host = builder.Build();
        await host.StartAsync(Cancellation);
        try
        {
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities), cancellation: Cancellation);
            var result = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

            Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
            Assert.Equal(["Hello Tokyo!", "Hello Seattle!", "Hello London!"], result.ReadOutputAs<List<string>>());
            Assert.IsType<StoreDurableTaskClient>(client);
            Assert.Single(host.Services.GetServices<IDurableStore>());
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task DurableTestHost_RunsTheDocumentationsOrchestratorAsTheReadmeShows()
    {
        await using var host = await CreateSut(tasks => tasks.AddOrchestrator<HelloCities>().AddActivity<SayHello>());

        var result = await RunAsync(host, nameof(HelloCities));

        Assert.Equal(["Hello Tokyo!", "Hello Seattle!", "Hello London!"], result.ReadOutputAs<List<string>>());
    }

    [Fact]
    public async Task Parent_OfSubOrchestration_NamesTheParentAndIsNullAtTheTop()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string>("Child", context => Task.FromResult($"{context.Parent?.Name.Name}/{context.Parent?.InstanceId}"))
            .AddOrchestratorFunc<string>("Top", async context =>
                $"{context.Parent is null}|" + await context.CallSubOrchestratorAsync<string>("Child", options: new SubOrchestrationOptions(instanceId: "kid"))));

        var result = await RunAsync(host, "Top", instanceId: "top");

        Assert.Equal("True|Top/top", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task RetryHandler_DecidesFromRetryContext_RetriesUntilItSaysNo()
    {
        var calls = 0;
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<string, string>("Flaky", (_, _) => Interlocked.Increment(ref calls) < 3
                ? Throw<string>(new TimeoutException("slow"))
                : Throw<string>(new InvalidOperationException("broken")))
            .AddOrchestratorFunc<string>("Caller", async context =>
            {
                var attempts = new List<int>();
                try
                {
                    await context.CallActivityAsync<string>("Flaky", options: TaskOptions.FromRetryHandler(retry =>
                    {
                        attempts.Add(retry.LastAttemptNumber);
                        return retry.LastFailure.IsCausedBy<TimeoutException>();
                    }));
                    return "succeeded";
                }
                catch (TaskFailedException failure)
                {
                    return $"{string.Join(",", attempts)}:{failure.FailureDetails.ErrorType}";
                }
            }));

        var result = await RunAsync(host, "Caller");

        Assert.Equal($"1,2,3:{typeof(InvalidOperationException).FullName}", result.ReadOutputAs<string>());
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task RetryPolicy_HandleFailureTrue_RetriesOnDurableTimers()
    {
        var calls = 0;
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<string, string>("Flaky", (_, _) => Interlocked.Increment(ref calls) < 3 ? Throw<string>(new TimeoutException("slow")) : "ok")
            .AddOrchestratorFunc<string>("Caller", context => context.CallActivityAsync<string>(
                "Flaky",
                options: TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromMinutes(1)) { HandleFailure = failure => failure.IsCausedBy<TimeoutException>() }))));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Caller", cancellation: Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1), Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1), Cancellation);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal("ok", result.ReadOutputAs<string>());
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task IsCausedBy_ExceptionsOfActivityAndSubOrchestration_AreRecognizedThroughTaskFailedException()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<string, string>("Refuses", (_, _) => Throw<string>(new OutageException()))
            .AddOrchestratorFunc<string>("Child", _ => Task.FromResult(Throw<string>(new ArgumentException("bad"))))
            .AddOrchestratorFunc<string>("Caller", async context =>
            {
                var seen = new List<bool>();
                try
                {
                    await context.CallActivityAsync<string>("Refuses");
                }
                catch (TaskFailedException failure)
                {
                    seen.Add(failure.FailureDetails.IsCausedBy<OutageException>());
                    seen.Add(failure.FailureDetails.IsCausedBy<InvalidOperationException>());
                    seen.Add(failure.FailureDetails.IsCausedBy<ArgumentException>());
                }

                try
                {
                    await context.CallSubOrchestratorAsync<string>("Child");
                }
                catch (TaskFailedException failure)
                {
                    seen.Add(failure.FailureDetails.IsCausedBy<ArgumentException>());
                }

                return string.Join(",", seen);
            }));

        var result = await RunAsync(host, "Caller");

        Assert.Equal("True,True,False,True", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Start_OntoEndedId_RunsAFreshExecutionUnlessDedupeStatusesNameIt()
    {
        var runs = 0;
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<int>("Counter", _ => Task.FromResult(Interlocked.Increment(ref runs))));

        var first = await RunAsync(host, "Counter", instanceId: "same");
        var second = await RunAsync(host, "Counter", instanceId: "same");
        var refused = await Assert.ThrowsAsync<InstanceAlreadyExistsException>(() => host.Client.ScheduleNewOrchestrationInstanceAsync(
            "Counter", new StartOrchestrationOptions("same").WithDedupeStatuses(OrchestrationRuntimeStatus.Completed), Cancellation));

        Assert.Equal(1, first.ReadOutputAs<int>());
        Assert.Equal(2, second.ReadOutputAs<int>());
        Assert.IsAssignableFrom<OrchestrationAlreadyExistsException>(refused);
        Assert.Contains("Completed", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task Start_OntoRunningId_IsRefusedEvenWithoutDedupeStatuses()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string>("Waiter", context => context.WaitForExternalEvent<string>("go")));
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", new StartOrchestrationOptions("busy"), Cancellation);
        await host.Client.WaitForInstanceStartAsync("busy", cancellation: Cancellation);

        var refused = await Assert.ThrowsAsync<InstanceAlreadyExistsException>(
            () => host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", new StartOrchestrationOptions("busy"), Cancellation));

        Assert.Equal(OrchestrationRuntimeStatus.Running, refused.Status);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await GetAsync(host, "busy")).RuntimeStatus);
    }

    [Fact]
    public async Task NotYetSupportedMembers_FailTheOrchestrationNamingTheMember()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string>("Sender", context =>
            {
                context.SendEvent("other", "go", "now");
                return Task.FromResult("sent");
            })
            .AddOrchestratorFunc<string>("EntityUser", context => Task.FromResult(context.Entities.ToString()!)));

        var sender = await RunAsync(host, "Sender");
        var entityUser = await RunAsync(host, "EntityUser");

        Assert.Equal(typeof(NotSupportedException).FullName, sender.FailureDetails?.ErrorType);
        Assert.Contains("SendEvent", sender.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("Entities", entityUser.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TerminateAndPurge_Recursive_AreRefusedNamingTheOption()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string>("Waiter", context => context.WaitForExternalEvent<string>("go")));
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", new StartOrchestrationOptions("w"), Cancellation);

        var terminate = await Assert.ThrowsAsync<NotSupportedException>(
            () => host.Client.TerminateInstanceAsync("w", new TerminateInstanceOptions(null, true), Cancellation));
        var purge = await Assert.ThrowsAsync<NotSupportedException>(
            () => host.Client.PurgeInstanceAsync("w", new PurgeInstanceOptions(true), Cancellation));

        Assert.Contains("Recursive", terminate.Message, StringComparison.Ordinal);
        Assert.Contains("Recursive", purge.Message, StringComparison.Ordinal);
    }

    private sealed class OutageException() : InvalidOperationException("the dependency is down");
}
