using OpsFunctions.Durable.Client;
using OpsFunctions.Testing.Hosting;

namespace OpsFunctions.Durable.Tests;

public sealed class ActivityTests : OrchestrationTestBase
{
    [Theory]
    [InlineData(1000)]
    [InlineData(0)]
    public async Task CallActivityAsync_Chain_ReturnsEachResultInOrder(int cacheSize)
    {
        await using var host = await CreateSut(
            tasks => tasks
                .AddActivityFunc<string, string>("Append", (_, s) => s + (char)('a' + s.Length))
                .AddOrchestratorFunc<string, string>("Chain", async (context, input) =>
                {
                    var value = input;
                    for (var i = 0; i < 5; i++)
                    {
                        value = await context.CallActivityAsync<string>("Append", value);
                    }

                    return value;
                }),
            engine => engine.MaxCachedOrchestrations = cacheSize);

        var result = await RunAsync(host, "Chain", string.Empty);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal("abcde", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task CallActivityAsync_FanOutOf100_SumsEveryResult()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<int, int>("Square", (_, n) => n * n)
            .AddOrchestratorFunc<int, int>("FanOut", async (context, count) =>
            {
                var squares = await Task.WhenAll(Enumerable.Range(1, count).Select(n => context.CallActivityAsync<int>("Square", n)));
                return squares.Sum();
            }));

        var result = await RunAsync(host, "FanOut", 100);

        Assert.Equal(Enumerable.Range(1, 100).Sum(n => n * n), result.ReadOutputAs<int>());
        var history = await host.Store.ReadHistoryAsync(result.InstanceId, Cancellation);
        Assert.Equal(100, history.OfType<History.TaskScheduled>().Count());
        Assert.Equal(100, history.OfType<History.TaskCompleted>().Select(e => e.TaskScheduledId).Distinct().Count());
    }

    [Fact]
    public async Task CallActivityAsync_UncaughtFailure_FailsInstanceWithDetails()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<string, string>("Boom", (_, _) => Throw<string>(new InvalidOperationException("disk full")))
            .AddOrchestratorFunc<string, string>("Caller", (context, _) => context.CallActivityAsync<string>("Boom")));

        var result = await RunAsync(host, "Caller");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        var failure = Assert.IsType<TaskFailureDetails>(result.FailureDetails);
        Assert.Equal(typeof(TaskFailedException).FullName, failure.ErrorType);
        Assert.Contains("Boom", failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(typeof(InvalidOperationException).FullName, failure.InnerFailure?.ErrorType);
        Assert.Equal("disk full", failure.InnerFailure?.ErrorMessage);
        Assert.NotNull(failure.InnerFailure?.StackTrace);
    }

    [Fact]
    public async Task CallActivityAsync_CaughtFailure_OrchestratorSeesFailureDetails()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<string, string>("Boom", (_, _) => Throw<string>(new ArgumentException("bad host")))
            .AddOrchestratorFunc<string, string>("Caller", async (context, _) =>
            {
                try
                {
                    await context.CallActivityAsync<string>("Boom");
                    return "no failure";
                }
                catch (TaskFailedException failure) when (failure.FailureDetails.IsCausedBy<ArgumentException>())
                {
                    return $"{failure.TaskName}:{failure.FailureDetails.ErrorMessage}";
                }
            }));

        var result = await RunAsync(host, "Caller");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal("Boom:bad host", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task CallActivityAsync_RetryPolicy_WaitsBackoffOnDurableTimers()
    {
        var attempts = new List<DateTimeOffset>();
        DurableTestHost? hostRef = null;
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<string, string>("Flaky", (_, _) =>
            {
                lock (attempts)
                {
                    attempts.Add(hostRef!.TimeProvider.GetUtcNow());
                    if (attempts.Count < 3)
                    {
                        throw new TimeoutException("try again");
                    }
                }

                return "ok";
            })
            .AddOrchestratorFunc<string, string>("Retrying", (context, _) => context.CallActivityAsync<string>(
                "Flaky", null, TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(10), backoffCoefficient: 2)))));
        hostRef = host;
        var start = host.TimeProvider.GetUtcNow();

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Retrying", cancellation: Cancellation);
        await host.WaitForIdleAsync(Cancellation);
        Assert.Single(attempts);
        await host.AdvanceTimeAsync(TimeSpan.FromSeconds(9.9), Cancellation);
        Assert.Single(attempts);
        await host.AdvanceTimeAsync(TimeSpan.FromSeconds(0.1), Cancellation);
        Assert.Equal(2, attempts.Count);
        await host.AdvanceTimeAsync(TimeSpan.FromSeconds(20), Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal("ok", result.ReadOutputAs<string>());
        Assert.Equal(new[] { start, start.AddSeconds(10), start.AddSeconds(30) }, attempts);
    }

    [Fact]
    public async Task CallActivityAsync_RetriesExhausted_FailsAfterMaxAttempts()
    {
        var calls = 0;
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<string, string>("AlwaysFails", (_, _) =>
            {
                Interlocked.Increment(ref calls);
                return Throw<string>(new InvalidOperationException("down"));
            })
            .AddOrchestratorFunc<string, string>("Retrying", (context, _) => context.CallActivityAsync<string>(
                "AlwaysFails", null, TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromMinutes(1))))));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Retrying", cancellation: Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1), Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1), Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(10), Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task CallActivityAsync_RetryHandlerRejects_DoesNotRetry()
    {
        var calls = 0;
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<string, string>("Denied", (_, _) =>
            {
                Interlocked.Increment(ref calls);
                return Throw<string>(new UnauthorizedAccessException("403"));
            })
            .AddOrchestratorFunc<string, string>("Retrying", (context, _) => context.CallActivityAsync<string>(
                "Denied",
                null,
                TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(1))
                {
                    HandleFailure = failure => !failure.IsCausedBy<UnauthorizedAccessException>(),
                }))));

        var result = await RunAsync(host, "Retrying");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task CallActivityAsync_UnregisteredActivity_FailsInstanceNamingIt()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Caller", (context, _) => context.CallActivityAsync<string>("NoSuchActivity")));

        var result = await RunAsync(host, "Caller");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal("ActivityNotFound", result.FailureDetails?.InnerFailure?.ErrorType);
        Assert.Contains("NoSuchActivity", result.FailureDetails?.InnerFailure?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallActivityAsync_InputOfWrongShape_FailsTaskNamingType()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<int, int>("Double", (_, n) => n * 2)
            .AddOrchestratorFunc<string, int>("Caller", (context, _) => context.CallActivityAsync<int>("Double", "not a number")));

        var result = await RunAsync(host, "Caller");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("Int32", result.FailureDetails?.InnerFailure?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallActivityAsync_OneMegabytePayloads_RoundTrip()
    {
        var payload = new string('x', 1024 * 1024);
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<string, string>("Echo", (_, s) => s + "!")
            .AddOrchestratorFunc<string, int>("Big", async (context, input) => (await context.CallActivityAsync<string>("Echo", input)).Length));

        var result = await RunAsync(host, "Big", payload);

        Assert.Equal(payload.Length + 1, result.ReadOutputAs<int>());
        Assert.Equal(payload, result.ReadInputAs<string>());
    }

    [Fact]
    public async Task CallActivityAsync_OutputNotSerializable_FailsTaskNamingActivity()
    {
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<string, object>("Bad", (_, _) => new Unserializable())
            .AddOrchestratorFunc<string, string>("Caller", async (context, _) =>
            {
                try
                {
                    await context.CallActivityAsync<object>("Bad");
                    return "no failure";
                }
                catch (TaskFailedException failure)
                {
                    return failure.FailureDetails.ErrorMessage;
                }
            }));

        var result = await RunAsync(host, "Caller");

        Assert.Contains("The output of activity 'Bad' does not serialize", result.ReadOutputAs<string>(), StringComparison.Ordinal);
    }

    private sealed class Unserializable
    {
        public string Value => throw new NotSupportedException("cannot read");
    }
}
