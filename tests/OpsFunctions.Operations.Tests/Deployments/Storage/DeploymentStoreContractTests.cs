using System.Text.Json;
using OpsFunctions.Operations.Deployments;

namespace OpsFunctions.Operations.Tests.Deployments.Storage;

/// <summary>
/// The behaviour every <see cref="IDeploymentStore"/> must have; each store's test class inherits it and creates its store.
/// </summary>
public abstract partial class DeploymentStoreContractTests
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Creates an empty store; the test class disposes it.</summary>
    protected abstract Task<IDeploymentStore> CreateSutAsync();

    protected static DeploymentRecord Record(
        string id,
        DateTimeOffset started,
        string service = "payments",
        DeploymentState state = DeploymentState.Progressing,
        int steps = 2) => new()
        {
            Id = id,
            InstanceId = $"deploy-{service}",
            Service = service,
            Version = "2.4.0",
            StableVersion = "2.3.1",
            Strategy = DeploymentStrategy.Canary,
            State = state,
            StartedBy = "alice",
            Source = DeploymentSources.Api,
            StartedAt = started,
            Weight = 25,
            StepIndex = Math.Max(0, steps - 1),
            StepCount = steps,
            Steps = [.. Enumerable.Range(0, steps).Select(i => Step(i, started.AddMinutes(5 * i)))],
        };

    /// <summary>A step whose analysis took a measurement a minute for <paramref name="measurements"/> minutes.</summary>
    protected static DeploymentStepRecord Step(int index, DateTimeOffset startedAt, int measurements = 3) => new()
    {
        Index = index,
        Description = index % 2 == 0 ? $"setWeight {25 * (index + 1)}" : "analysis error-rate",
        StartedAt = startedAt,
        EndedAt = startedAt.AddMinutes(5),
        Outcome = "done",
        Analysis = index % 2 == 0
            ? []
            :
            [
                new AnalysisResult(
                    "error-rate",
                    AnalysisPhase.Successful,
                    [.. Enumerable.Range(0, measurements).Select(m => new Measurement(
                        startedAt.AddMinutes(m),
                        m % 7 == 6 ? MeasurementPhase.Inconclusive : MeasurementPhase.Successful,
                        Value: 0.001 * (m % 13),
                        Baseline: 0.0015,
                        Requests: 1200 + m,
                        Message: $"error rate {0.001 * (m % 13):F3} <= 0.01 over 1m (measurement {m})"))],
                    "every limit held"),
            ],
    };

    protected static TimelineEntry Entry(int minute, string text, string actor = "system", string kind = DeploymentTimelineKinds.Traffic)
        => new(T0.AddMinutes(minute), actor, kind, text);

    protected static void AssertSameRecord(DeploymentRecord expected, DeploymentRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(JsonSerializer.Serialize(expected, Json), JsonSerializer.Serialize(actual, Json));
    }

    protected static async Task<List<DeploymentRecord>> QueryAllAsync(IDeploymentStore store, DeploymentQuery query)
    {
        var all = new List<DeploymentRecord>();
        var page = await store.QueryAsync(query, Ct);
        all.AddRange(page.Deployments);
        for (var pages = 1; page.ContinuationToken is { } token; pages++)
        {
            Assert.True(pages < 100, "Paging does not end.");
            Assert.Equal(query.PageSize, page.Deployments.Count);
            page = await store.QueryAsync(query with { ContinuationToken = token }, Ct);
            all.AddRange(page.Deployments);
        }

        return all;
    }

    protected static async Task<string[]> QueryIdsAsync(IDeploymentStore store, DeploymentQuery query)
        => [.. (await QueryAllAsync(store, query)).Select(r => r.Id)];

    /// <summary>A record whose JSON is past the 32,000 characters a table property holds as a string.</summary>
    protected static DeploymentRecord LargeRecord(string id, DateTimeOffset started)
    {
        var record = Record(id, started, steps: 2) with
        {
            Steps = [.. Enumerable.Range(0, 12).Select(i => Step(i, started.AddMinutes(5 * i), measurements: 60))],
            StepCount = 12,
        };
        Assert.True(JsonSerializer.Serialize(record, Json).Length > 32_000);
        return record;
    }

    [Fact]
    public async Task GetAsync_AfterUpsert_ReturnsTheRecord()
    {
        var store = await CreateSutAsync();
        var started = new DateTimeOffset(2026, 3, 1, 14, 30, 15, TimeSpan.FromHours(2));
        var record = Record("dep-1", started, steps: 4) with
        {
            Strategy = DeploymentStrategy.BlueGreen,
            State = DeploymentState.Paused,
            Source = DeploymentSources.GitHub,
            StartedBy = "github",
            Reason = "inconclusive analysis: a person decides",
            EndedAt = started.AddHours(1),
            BackgroundAnalysis = [new AnalysisResult("latency", AnalysisPhase.Running, [new Measurement(started.AddMinutes(1), MeasurementPhase.Error, Message: "Prometheus unreachable")])],
            GitHub = new GitHubDeploymentRef("acme/payments", 123456789012, "production", "0123abcd", "refs/heads/main"),
        };

        await store.UpsertAsync(record, Ct);

        AssertSameRecord(record, await store.GetAsync("dep-1", Ct));
    }

    [Fact]
    public async Task GetAsync_Unknown_ReturnsNull()
    {
        var store = await CreateSutAsync();
        await store.UpsertAsync(Record("dep-1", T0), Ct);

        Assert.Null(await store.GetAsync("dep-2", Ct));
        Assert.Null(await store.GetAsync("DEP-1", Ct));
    }

    [Fact]
    public async Task GetAsync_LargeRecord_RoundTrips()
    {
        var store = await CreateSutAsync();
        var record = LargeRecord("dep-big", T0);

        await store.UpsertAsync(record, Ct);

        AssertSameRecord(record, await store.GetAsync("dep-big", Ct));
        AssertSameRecord(record, Assert.Single((await store.QueryAsync(new DeploymentQuery { PageSize = 10 }, Ct)).Deployments));
    }

    [Fact]
    public async Task GetAsync_IdWithReservedCharacters_RoundTrips()
    {
        var store = await CreateSutAsync();
        var record = Record("dep/a#b?c\\d%e", T0);

        await store.UpsertAsync(record, Ct);
        await store.AppendTimelineAsync(record.Id, [Entry(0, "started", kind: DeploymentTimelineKinds.Started)], Ct);

        AssertSameRecord(record, await store.GetAsync(record.Id, Ct));
        Assert.Null(await store.GetAsync("dep/a#b?c\\d%25e", Ct));
        Assert.Single(await store.GetTimelineAsync(record.Id, Ct));
        Assert.Equal([record.Id], await QueryIdsAsync(store, new DeploymentQuery()));
    }

    [Fact]
    public async Task UpsertAsync_Existing_ReplacesIt()
    {
        var store = await CreateSutAsync();
        await store.UpsertAsync(LargeRecord("dep-1", T0), Ct);
        var succeeded = Record("dep-1", T0, state: DeploymentState.Succeeded, steps: 1) with
        {
            Weight = 100,
            EndedAt = T0.AddHours(1),
            Reason = "promoted by bob",
        };

        await store.UpsertAsync(succeeded, Ct);

        AssertSameRecord(succeeded, await store.GetAsync("dep-1", Ct));
        AssertSameRecord(succeeded, Assert.Single(await QueryAllAsync(store, new DeploymentQuery())));
    }

    [Fact]
    public async Task UpsertAsync_StateChange_MovesTheDeploymentBetweenStateQueries()
    {
        var store = await CreateSutAsync();
        await store.UpsertAsync(Record("dep-1", T0), Ct);
        await store.UpsertAsync(Record("dep-2", T0.AddMinutes(1)), Ct);
        Assert.Equal(["dep-2", "dep-1"], await QueryIdsAsync(store, new DeploymentQuery { State = DeploymentState.Progressing }));

        await store.UpsertAsync(Record("dep-1", T0, state: DeploymentState.Paused), Ct);

        Assert.Equal(["dep-2"], await QueryIdsAsync(store, new DeploymentQuery { State = DeploymentState.Progressing }));
        Assert.Equal(["dep-1"], await QueryIdsAsync(store, new DeploymentQuery { State = DeploymentState.Paused }));

        await store.UpsertAsync(Record("dep-1", T0, state: DeploymentState.Aborted), Ct);

        Assert.Empty(await QueryIdsAsync(store, new DeploymentQuery { State = DeploymentState.Paused }));
        Assert.Equal(["dep-1"], await QueryIdsAsync(store, new DeploymentQuery { State = DeploymentState.Aborted }));
        Assert.Equal(["dep-2", "dep-1"], await QueryIdsAsync(store, new DeploymentQuery()));
    }

    [Fact]
    public async Task UpsertAsync_StartTimeChanged_ListsTheDeploymentOnceAtTheNewTime()
    {
        var store = await CreateSutAsync();
        await store.UpsertAsync(Record("dep-1", T0), Ct);
        await store.UpsertAsync(Record("dep-2", T0.AddMinutes(1)), Ct);

        await store.UpsertAsync(Record("dep-1", T0.AddMinutes(2)), Ct);

        Assert.Equal(["dep-1", "dep-2"], await QueryIdsAsync(store, new DeploymentQuery()));
        Assert.Empty(await QueryIdsAsync(store, new DeploymentQuery { StartedTo = T0.AddMinutes(1) }));
        Assert.Equal(T0.AddMinutes(2), (await store.GetAsync("dep-1", Ct))!.StartedAt);
    }
}
