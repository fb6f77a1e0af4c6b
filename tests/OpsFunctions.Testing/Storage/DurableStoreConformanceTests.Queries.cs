using OpsFunctions.Durable;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;
using Xunit;

namespace OpsFunctions.Testing.Storage;

/// <summary>
/// Queries, purges and history reads.
/// </summary>
public abstract partial class DurableStoreConformanceTests
{
    [Fact]
    public async Task QueryInstances_PagesOfTen_ReturnsEveryInstanceOnceInOrder()
    {
        await using var store = await CreateSutAsync();
        var expected = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            // Five instances share each creation time, so paging must break ties by id.
            if (i % 5 == 0)
            {
                Time.Advance(TimeSpan.FromSeconds(1));
            }

            var id = $"i{24 - i:D2}";
            expected.Add(id);
            await CreateAsync(store, id);
        }

        var pages = new List<InstancePage>();
        string? token = null;
        do
        {
            var page = await store.QueryInstancesAsync(new InstanceFilter { PageSize = 10, ContinuationToken = token }, Ct);
            pages.Add(page);
            token = page.ContinuationToken;
        }
        while (token is not null && pages.Count < 10);

        Assert.Equal([10, 10, 5], pages.Select(p => p.Instances.Count));
        var ids = pages.SelectMany(p => p.Instances).Select(i => i.InstanceId).ToList();
        var ordered = expected.Chunk(5).SelectMany(group => group.Order(StringComparer.Ordinal)).ToList();
        Assert.Equal(ordered, ids);
    }

    [Fact]
    public async Task QueryInstances_ExactPageBoundary_LastPageHasNoToken()
    {
        await using var store = await CreateSutAsync();
        for (var i = 0; i < 10; i++)
        {
            await CreateAsync(store, $"i{i}");
        }

        var page = await store.QueryInstancesAsync(new InstanceFilter { PageSize = 10 }, Ct);

        Assert.Equal(10, page.Instances.Count);
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task QueryInstances_Filters_MatchExactly()
    {
        await using var store = await CreateSutAsync();
        await RunToAsync(store, "job-4", OrchestrationRuntimeStatus.Completed);
        await CreateAsync(store, "job-1");
        await CreateAsync(store, "a%b");
        Time.Advance(TimeSpan.FromMinutes(1));
        await CreateAsync(store, "job-2");
        await CreateAsync(store, "aXb");
        await CreateAsync(store, "JOB-3");
        Time.Advance(TimeSpan.FromMinutes(1));
        await CreateAsync(store, "a_b");

        async Task<string[]> Ids(InstanceFilter filter)
            => (await store.QueryInstancesAsync(filter, Ct)).Instances.Select(i => i.InstanceId).ToArray();

        Assert.Equal(["job-2"], await Ids(new InstanceFilter { InstanceId = "job-2" }));
        Assert.Equal(["job-1", "job-4", "job-2"], await Ids(new InstanceFilter { InstanceIdPrefix = "job-" }));
        Assert.Equal(["a%b"], await Ids(new InstanceFilter { InstanceIdPrefix = "a%" }));
        Assert.Equal(["a_b"], await Ids(new InstanceFilter { InstanceIdPrefix = "a_" }));
        Assert.Equal(["JOB-3", "aXb", "job-2"], await Ids(new InstanceFilter { CreatedFrom = Start.AddMinutes(1), CreatedTo = Start.AddMinutes(2) }));
        Assert.Equal(["job-4"], await Ids(new InstanceFilter { Statuses = [OrchestrationRuntimeStatus.Completed] }));
        Assert.Equal(
            ["job-2"],
            await Ids(new InstanceFilter { InstanceIdPrefix = "job", CreatedFrom = Start.AddMinutes(1), Statuses = [OrchestrationRuntimeStatus.Pending] }));
        Assert.Empty(await Ids(new InstanceFilter { Statuses = [] }));
    }

    [Fact]
    public async Task QueryInstances_WithoutPayloads_LeavesPayloadsNull()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a", "\"secret\"");

        var without = Assert.Single((await store.QueryInstancesAsync(new InstanceFilter { IncludePayloads = false }, Ct)).Instances);
        var with = Assert.Single((await store.QueryInstancesAsync(new InstanceFilter { IncludePayloads = true }, Ct)).Instances);

        Assert.Null(without.Input);
        Assert.Equal(OrchestratorName, without.Name);
        Assert.Equal("\"secret\"", with.Input);
    }

    [Fact]
    public async Task PurgeInstances_Mixed_DeletesOnlyEndedWithTheirHistory()
    {
        await using var store = await CreateSutAsync();
        await RunToAsync(store, "done", OrchestrationRuntimeStatus.Completed, Scheduled(1));
        await RunToAsync(store, "broken", OrchestrationRuntimeStatus.Failed, Scheduled(1));
        await RunToAsync(store, "busy", OrchestrationRuntimeStatus.Running, Scheduled(1));
        await CreateAsync(store, "waiting");

        Assert.Equal(1, await store.PurgeInstancesAsync(new InstanceFilter { Statuses = [OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Running] }, Ct));
        Assert.Equal(1, await store.PurgeInstancesAsync(new InstanceFilter(), Ct));

        Assert.Null(await store.GetInstanceAsync("done", includePayloads: false, Ct));
        Assert.Null(await store.GetInstanceAsync("broken", includePayloads: false, Ct));
        Assert.Empty(await store.ReadHistoryAsync("done", Ct));
        Assert.Empty(await store.ReadHistoryAsync("broken", Ct));
        Assert.NotNull(await store.GetInstanceAsync("busy", includePayloads: false, Ct));
        Assert.Single(await store.ReadHistoryAsync("busy", Ct));
        Assert.NotNull(await store.GetInstanceAsync("waiting", includePayloads: false, Ct));
        Assert.Equal("waiting", (await LockAsync(store)).InstanceId);
    }

    [Fact]
    public async Task PurgeInstances_ByPrefix_LeavesOthers()
    {
        await using var store = await CreateSutAsync();
        await RunToAsync(store, "old-1", OrchestrationRuntimeStatus.Completed);
        await RunToAsync(store, "keep-1", OrchestrationRuntimeStatus.Completed);

        Assert.Equal(1, await store.PurgeInstancesAsync(new InstanceFilter { InstanceIdPrefix = "old-" }, Ct));

        Assert.NotNull(await store.GetInstanceAsync("keep-1", includePayloads: false, Ct));
    }

    [Fact]
    public async Task ReadHistory_1200Events_ReadsBackInOrder()
    {
        await using var store = await CreateSutAsync();
        await CreateAsync(store, "a");
        var item = await LockAsync(store);
        var events = Enumerable.Range(0, 1200).Select(Scheduled).ToArray();

        await store.CompleteOrchestrationAsync(item, Commit(item, events: events), Ct);

        var history = await store.ReadHistoryAsync("a", Ct);
        Assert.Equal(Enumerable.Range(0, 1200), history.Select(e => Assert.IsType<TaskScheduled>(e).TaskId));
    }

    [Fact]
    public async Task ReadHistory_UnknownInstance_ReturnsEmpty()
    {
        await using var store = await CreateSutAsync();

        Assert.Empty(await store.ReadHistoryAsync("nobody", Ct));
    }

    [Fact]
    public async Task CreateInstance_OneMegabyteInput_RoundTrips()
    {
        await using var store = await CreateSutAsync();
        var input = "\"" + new string('x', 1024 * 1024) + "\"";

        await CreateAsync(store, "big", input);

        Assert.Equal(input, (await store.GetInstanceAsync("big", includePayloads: true, Ct))!.Input);
        var item = await LockAsync(store);
        Assert.Equal(input, item.Instance!.Input);
        Assert.Equal(input, Assert.IsType<ExecutionStarted>(Assert.Single(item.Messages).Message.Event).Input);
    }
}
