using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpsFunctions.Durable.Tests;

public sealed class DeterminismTests : OrchestrationTestBase
{
    [Fact]
    public async Task Replay_CodeSchedulesDifferentActivity_FailsNamingBoth()
    {
        var useB = false;
        await using var host = await CreateSut(
            tasks => tasks
                .AddActivityFunc<string, string>("A", (_, _) => "a")
                .AddActivityFunc<string, string>("B", (_, _) => "b")
                .AddOrchestratorFunc<string, string>("Fickle", async (context, _) =>
                {
                    await context.WaitForExternalEvent<string>("First");
                    await context.CallActivityAsync<string>(Volatile.Read(ref useB) ? "B" : "A");
                    return await context.WaitForExternalEvent<string>("Second");
                }),
            engine => engine.MaxCachedOrchestrations = 0);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Fickle", cancellation: Cancellation);
        await host.Client.RaiseEventAsync(id, "First", null, Cancellation);
        await host.WaitForIdleAsync(Cancellation);
        Volatile.Write(ref useB, true);
        await host.Client.RaiseEventAsync(id, "Second", "x", Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal("NonDeterminismError", result.FailureDetails?.ErrorType);
        Assert.Contains("CallActivity 'A' (#0)", result.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("CallActivity 'B' (#0)", result.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_CodeStopsScheduling_FailsNamingRecordedAction()
    {
        var skip = false;
        await using var host = await CreateSut(
            tasks => tasks
                .AddOrchestratorFunc<string, string>("Fickle", async (context, _) =>
                {
                    if (!Volatile.Read(ref skip))
                    {
                        await context.CreateTimer(TimeSpan.FromMinutes(1), CancellationToken.None);
                    }

                    return await context.WaitForExternalEvent<string>("Go");
                }),
            engine => engine.MaxCachedOrchestrations = 0);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Fickle", cancellation: Cancellation);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1), Cancellation);
        Volatile.Write(ref skip, true);
        await host.Client.RaiseEventAsync(id, "Go", "x", Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal("NonDeterminismError", result.FailureDetails?.ErrorType);
        Assert.Contains("CreateTimer", result.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public async Task NewGuid_AcrossReplay_ReturnsSameValues(int cacheSize)
    {
        await using var host = await CreateSut(
            tasks => tasks.AddOrchestratorFunc<string, Guid[]>("Ids", async (context, _) =>
            {
                var first = context.NewGuid();
                context.SetCustomStatus(first);
                await context.WaitForExternalEvent<string>("Go");
                return [first, context.NewGuid()];
            }),
            engine => engine.MaxCachedOrchestrations = cacheSize);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Ids", cancellation: Cancellation);
        await host.WaitForIdleAsync(Cancellation);
        var recorded = (await GetAsync(host, id)).ReadCustomStatusAs<Guid>();
        await host.Client.RaiseEventAsync(id, "Go", null, Cancellation);

        var result = (await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation)).ReadOutputAs<Guid[]>()!;
        Assert.NotEqual(Guid.Empty, recorded);
        Assert.Equal(recorded, result[0]);
        Assert.NotEqual(result[0], result[1]);
    }

    [Theory]
    [InlineData(0, new[] { false, true, false })]
    [InlineData(1000, new[] { false, false })]
    public async Task IsReplaying_WithAndWithoutCache_IsTrueOnlyWhileReplaying(int cacheSize, bool[] expected)
    {
        var seen = new ConcurrentQueue<bool>();
        await using var host = await CreateSut(
            tasks => tasks
                .AddActivityFunc<string, string>("Work", (_, _) => "done")
                .AddOrchestratorFunc<string, string>("Observed", async (context, _) =>
                {
                    seen.Enqueue(context.IsReplaying);
                    var result = await context.CallActivityAsync<string>("Work");
                    seen.Enqueue(context.IsReplaying);
                    return result;
                }),
            engine => engine.MaxCachedOrchestrations = cacheSize);

        await RunAsync(host, "Observed");

        Assert.Equal(expected, seen.ToArray());
    }

    [Fact]
    public async Task AwaitOutsideContext_ForeignTask_FailsInstanceInsteadOfHanging()
    {
        var gate = new TaskCompletionSource();
        await using var host = await CreateSut(tasks => tasks
            .AddOrchestratorFunc<string, string>("Gated", async (context, _) =>
            {
                await gate.Task;
                return "resumed";
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Gated", cancellation: Cancellation);
        await host.WaitForIdleAsync(Cancellation);

        // Completed from the test's thread: the continuation is posted from outside the replay thread.
        gate.SetResult();
        await host.Client.RaiseEventAsync(id, "Nudge", null, Cancellation);

        var result = await host.Client.WaitForInstanceCompletionAsync(id, true, Cancellation);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("did not come from the orchestration context", result.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cache_ChainOfFiftyActivities_NeverReplays()
    {
        var replayed = 0;
        await using var host = await CreateSut(tasks => tasks
            .AddActivityFunc<int, int>("Inc", (_, n) => n + 1)
            .AddOrchestratorFunc<int, int>("Long", async (context, _) =>
            {
                var value = 0;
                for (var i = 0; i < 50; i++)
                {
                    value = await context.CallActivityAsync<int>("Inc", value);
                    if (context.IsReplaying)
                    {
                        Interlocked.Increment(ref replayed);
                    }
                }

                return value;
            }));

        var result = await RunAsync(host, "Long", 0);

        Assert.Equal(50, result.ReadOutputAs<int>());
        Assert.Equal(0, replayed);
    }

    [Fact]
    public async Task CreateReplaySafeLogger_AcrossReplays_WritesEachEntryOnce()
    {
        var sink = new CollectingLoggerProvider();
        await using var host = await OpsFunctions.Testing.Hosting.DurableTestHost.StartAsync(
            tasks => tasks
                .AddActivityFunc<string, string>("Work", (_, _) => "done")
                .AddOrchestratorFunc<string, string>("Chatty", async (context, _) =>
                {
                    var logger = context.CreateReplaySafeLogger("Chatty");
#pragma warning disable CA1848, CA2254 // A test of the logger itself.
                    logger.LogWarning("before");
                    await context.CallActivityAsync<string>("Work");
                    logger.LogWarning("after first");
                    await context.CallActivityAsync<string>("Work");
                    logger.LogWarning("after second");
#pragma warning restore CA1848, CA2254
                    return "ok";
                }),
            options =>
            {
                options.ConfigureEngine = engine => engine.MaxCachedOrchestrations = 0;
                options.ConfigureServices = services => services.AddSingleton<ILoggerProvider>(sink);
            },
            Cancellation);

        await RunAsync(host, "Chatty");

        Assert.Equal(["before", "after first", "after second"], sink.Messages("Chatty"));
    }

    private sealed class CollectingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<(string Category, string Message)> _entries = new();

        public IReadOnlyList<string> Messages(string category)
            => _entries.Where(e => e.Category == category).Select(e => e.Message).ToList();

        public ILogger CreateLogger(string categoryName) => new Collector(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Collector(string category, ConcurrentQueue<(string, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => entries.Enqueue((category, formatter(state, exception)));
        }
    }
}
