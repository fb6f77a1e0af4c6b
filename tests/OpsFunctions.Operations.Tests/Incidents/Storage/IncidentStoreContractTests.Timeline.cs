using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests.Incidents.Storage;

public abstract partial class IncidentStoreContractTests
{
    [Fact]
    public async Task GetTimelineAsync_SeveralAppends_ReturnsByTimeThenAppendOrder()
    {
        var store = await CreateSutAsync();

        await store.AppendTimelineAsync("inc-1", [Entry(0, "opened", kind: IncidentTimelineKinds.Opened), Entry(0, "paged L1")], Ct);
        await store.AppendTimelineAsync("inc-1", [Entry(0, "slack ok", kind: IncidentTimelineKinds.Delivery), Entry(0, "email ok", kind: IncidentTimelineKinds.Delivery)], Ct);
        await store.AppendTimelineAsync("inc-1", [Entry(15, "paged L2", actor: IncidentActors.Escalation)], Ct);
        await store.AppendTimelineAsync("inc-1", [Entry(5, "diagnostics: 3 checks", kind: IncidentTimelineKinds.Diagnostics)], Ct);
        await store.AppendTimelineAsync("inc-2", [Entry(1, "other incident")], Ct);

        var timeline = await store.GetTimelineAsync("inc-1", Ct);

        Assert.Equal(["opened", "paged L1", "slack ok", "email ok", "diagnostics: 3 checks", "paged L2"], timeline.Select(e => e.Text));
        Assert.Equal(Entry(15, "paged L2", actor: IncidentActors.Escalation), timeline[^1]);
        Assert.Equal(["other incident"], (await store.GetTimelineAsync("inc-2", Ct)).Select(e => e.Text));
    }

    [Fact]
    public async Task AppendTimelineAsync_SameEntriesAgain_DoesNotDuplicateThem()
    {
        var store = await CreateSutAsync();
        IReadOnlyList<TimelineEntry> batch = [Entry(0, "paged L1"), Entry(0, "slack ok", kind: IncidentTimelineKinds.Delivery)];
        await store.AppendTimelineAsync("inc-1", batch, Ct);
        await store.AppendTimelineAsync("inc-1", [Entry(1, "acknowledged", actor: "alice", kind: IncidentTimelineKinds.Acknowledged)], Ct);

        // A retried activity appends its batch again, here with one more entry it did not get to the first time.
        await store.AppendTimelineAsync("inc-1", [.. batch, Entry(0, "email ok", kind: IncidentTimelineKinds.Delivery)], Ct);
        await store.AppendTimelineAsync("inc-1", batch, Ct);

        var timeline = await store.GetTimelineAsync("inc-1", Ct);
        Assert.Equal(["paged L1", "slack ok", "email ok", "acknowledged"], timeline.Select(e => e.Text));
    }

    [Fact]
    public async Task AppendTimelineAsync_EntriesDifferingInOneField_KeepsEach()
    {
        var store = await CreateSutAsync();

        await store.AppendTimelineAsync(
            "inc-1",
            [
                Entry(0, "note"),
                Entry(0, "note", actor: "alice"),
                Entry(0, "note", kind: IncidentTimelineKinds.Error),
                Entry(1, "note"),
                new TimelineEntry(T0.AddTicks(1), IncidentActors.System, IncidentTimelineKinds.Notification, "note"),
                Entry(0, "note"),
            ],
            Ct);

        var timeline = await store.GetTimelineAsync("inc-1", Ct);
        Assert.Equal(5, timeline.Count);
        Assert.Equal([T0, T0, T0, T0.AddTicks(1), T0.AddMinutes(1)], timeline.Select(e => e.At));
    }

    [Fact]
    public async Task AppendTimelineAsync_ManyEntriesAndLongText_KeepsAllInOrder()
    {
        var store = await CreateSutAsync();
        var entries = Enumerable.Range(0, 250).Select(i => Entry(i / 100, $"delivery {i:D3}", kind: IncidentTimelineKinds.Delivery)).ToList();
        var diagnostics = Entry(3, "diagnostics\n" + string.Concat(Enumerable.Range(0, 2000).Select(i => $"check {i}: ok in {i % 97} ms\n")), kind: IncidentTimelineKinds.Diagnostics);
        Assert.True(diagnostics.Text.Length > 40_000);

        await store.AppendTimelineAsync("inc-1", [.. entries, diagnostics], Ct);
        await store.AppendTimelineAsync("inc-1", [.. entries, diagnostics], Ct);

        var timeline = await store.GetTimelineAsync("inc-1", Ct);
        Assert.Equal([.. entries, diagnostics], timeline);
    }

    [Fact]
    public async Task AppendTimelineAsync_ConcurrentOverlappingAppends_KeepEachEntryOnce()
    {
        var store = await CreateSutAsync();
        var batches = Enumerable.Range(0, 6)
            .Select(b => (IReadOnlyList<TimelineEntry>)[Entry(0, "paged L1"), Entry(1, $"delivery {b}"), Entry(2, $"note {b % 2}")])
            .ToList();

        await Task.WhenAll(batches.Select(batch => store.AppendTimelineAsync("inc-1", batch, Ct)));

        var timeline = await store.GetTimelineAsync("inc-1", Ct);
        Assert.Equal(9, timeline.Count);
        Assert.Equal("paged L1", timeline[0].Text);
        Assert.Equal(Enumerable.Range(0, 6).Select(b => $"delivery {b}").Order(), timeline.Skip(1).Take(6).Select(e => e.Text).Order());
        Assert.Equal(["note 0", "note 1"], timeline.Skip(7).Select(e => e.Text).Order());
    }
}
