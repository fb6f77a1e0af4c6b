using OpsFunctions.Operations.Deployments;

namespace OpsFunctions.Operations.Tests.Deployments.Storage;

public abstract partial class DeploymentStoreContractTests
{
    [Fact]
    public async Task GetTimelineAsync_SeveralAppends_ReturnsByTimeThenAppendOrder()
    {
        var store = await CreateSutAsync();

        await store.AppendTimelineAsync("dep-1", [Entry(0, "started 2.4.0", kind: DeploymentTimelineKinds.Started), Entry(0, "weight 10")], Ct);
        await store.AppendTimelineAsync("dep-1", [Entry(0, "slack ok", kind: DeploymentTimelineKinds.Notification), Entry(0, "github ok", kind: DeploymentTimelineKinds.Notification)], Ct);
        await store.AppendTimelineAsync("dep-1", [Entry(15, "promoted", actor: "bob", kind: DeploymentTimelineKinds.Command)], Ct);
        await store.AppendTimelineAsync("dep-1", [Entry(5, "error-rate successful", kind: DeploymentTimelineKinds.Analysis)], Ct);
        await store.AppendTimelineAsync("dep-2", [Entry(1, "other deployment")], Ct);

        var timeline = await store.GetTimelineAsync("dep-1", Ct);

        Assert.Equal(["started 2.4.0", "weight 10", "slack ok", "github ok", "error-rate successful", "promoted"], timeline.Select(e => e.Text));
        Assert.Equal(Entry(15, "promoted", actor: "bob", kind: DeploymentTimelineKinds.Command), timeline[^1]);
        Assert.Equal(["other deployment"], (await store.GetTimelineAsync("dep-2", Ct)).Select(e => e.Text));
    }

    [Fact]
    public async Task AppendTimelineAsync_SameEntriesAgain_DoesNotDuplicateThem()
    {
        var store = await CreateSutAsync();
        IReadOnlyList<TimelineEntry> batch = [Entry(0, "weight 25"), Entry(0, "slack ok", kind: DeploymentTimelineKinds.Notification)];
        await store.AppendTimelineAsync("dep-1", batch, Ct);
        await store.AppendTimelineAsync("dep-1", [Entry(1, "paused", actor: "alice", kind: DeploymentTimelineKinds.Paused)], Ct);

        // A retried activity appends its batch again, here with one more entry it did not get to the first time.
        await store.AppendTimelineAsync("dep-1", [.. batch, Entry(0, "github ok", kind: DeploymentTimelineKinds.Notification)], Ct);
        await store.AppendTimelineAsync("dep-1", batch, Ct);

        var timeline = await store.GetTimelineAsync("dep-1", Ct);
        Assert.Equal(["weight 25", "slack ok", "github ok", "paused"], timeline.Select(e => e.Text));
    }

    [Fact]
    public async Task AppendTimelineAsync_EntriesDifferingInOneField_KeepsEach()
    {
        var store = await CreateSutAsync();

        await store.AppendTimelineAsync(
            "dep-1",
            [
                Entry(0, "note"),
                Entry(0, "note", actor: "alice"),
                Entry(0, "note", kind: DeploymentTimelineKinds.Error),
                Entry(1, "note"),
                new TimelineEntry(T0.AddTicks(1), "system", DeploymentTimelineKinds.Traffic, "note"),
                Entry(0, "note"),
            ],
            Ct);

        var timeline = await store.GetTimelineAsync("dep-1", Ct);
        Assert.Equal([T0, T0, T0, T0.AddTicks(1), T0.AddMinutes(1)], timeline.Select(e => e.At));
    }

    [Fact]
    public async Task GetTimelineAsync_UnknownDeployment_ReturnsEmpty()
    {
        var store = await CreateSutAsync();
        await store.UpsertAsync(Record("dep-1", T0), Ct);
        await store.AppendTimelineAsync("dep-1", [Entry(0, "started", kind: DeploymentTimelineKinds.Started)], Ct);

        Assert.Empty(await store.GetTimelineAsync("dep-2", Ct));
        Assert.Empty(await store.GetTimelineAsync("unknown", Ct));
    }

    [Fact]
    public async Task AppendTimelineAsync_ManyEntriesAndLongText_KeepsAllInOrder()
    {
        var store = await CreateSutAsync();
        var entries = Enumerable.Range(0, 150).Select(i => Entry(i / 100, $"weight {i:D3}")).ToList();
        var analysis = Entry(3, "analysis\n" + string.Concat(Enumerable.Range(0, 2000).Select(i => $"measurement {i}: {i % 97} errors\n")), kind: DeploymentTimelineKinds.Analysis);
        Assert.True(analysis.Text.Length > 32_000);

        await store.AppendTimelineAsync("dep-1", [.. entries, analysis], Ct);
        await store.AppendTimelineAsync("dep-1", [.. entries, analysis], Ct);

        Assert.Equal([.. entries, analysis], await store.GetTimelineAsync("dep-1", Ct));
    }

    [Fact]
    public async Task AppendTimelineAsync_ConcurrentOverlappingAppends_KeepEachEntryOnce()
    {
        var store = await CreateSutAsync();
        var batches = Enumerable.Range(0, 6)
            .Select(b => (IReadOnlyList<TimelineEntry>)[Entry(0, "started"), Entry(1, $"weight {b}"), Entry(2, $"note {b % 2}")])
            .ToList();

        await Task.WhenAll(batches.Select(batch => store.AppendTimelineAsync("dep-1", batch, Ct)));

        var timeline = await store.GetTimelineAsync("dep-1", Ct);
        Assert.Equal(9, timeline.Count);
        Assert.Equal("started", timeline[0].Text);
        Assert.Equal(Enumerable.Range(0, 6).Select(b => $"weight {b}").Order(), timeline.Skip(1).Take(6).Select(e => e.Text).Order());
        Assert.Equal(["note 0", "note 1"], timeline.Skip(7).Select(e => e.Text).Order());
    }
}
