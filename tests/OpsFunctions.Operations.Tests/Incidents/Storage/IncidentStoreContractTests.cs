using System.Security.Cryptography;
using System.Text.Json;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests.Incidents.Storage;

/// <summary>
/// The behaviour every <see cref="IIncidentStore"/> must have; each store's test class inherits it and creates its store.
/// </summary>
public abstract partial class IncidentStoreContractTests
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Creates an empty store; the test class disposes it.</summary>
    protected abstract Task<IIncidentStore> CreateSutAsync();

    protected static IncidentRecord Record(
        string id,
        DateTimeOffset opened,
        string service = "payments",
        Severity severity = Severity.High,
        IncidentState state = IncidentState.Open,
        int alerts = 1) => new()
        {
            Id = id,
            Title = $"Incident {id}",
            Service = service,
            Severity = severity,
            State = state,
            Source = IncidentSources.Alertmanager,
            Receiver = "ops",
            GroupKey = "{}:{alertname=\"HighLatency\"}",
            OpenedAt = opened,
            Labels = new Dictionary<string, string> { ["service"] = service, ["severity"] = severity.ToString().ToLowerInvariant() },
            Alerts = [.. Enumerable.Range(0, alerts).Select(i => Alert(i, opened))],
        };

    protected static Alert Alert(int index, DateTimeOffset startsAt) => new()
    {
        Fingerprint = $"fp{index:D6}",
        Status = index % 3 == 0 ? AlertStatus.Resolved : AlertStatus.Firing,
        Labels = new Dictionary<string, string>
        {
            ["alertname"] = "HighLatency",
            ["instance"] = $"payments-{index}.prod.internal:8080",
            ["pod"] = $"payments-7d9f8c6b5-{index:x5}",
            ["severity"] = "high",
        },
        Annotations = new Dictionary<string, string>
        {
            ["summary"] = $"p99 latency above 2 s on payments-{index}",
            ["runbook_url"] = "https://runbooks.example.com/payments/latency",
        },
        StartsAt = startsAt.AddSeconds(-index),
        EndsAt = index % 3 == 0 ? startsAt.AddMinutes(5) : null,
        GeneratorUrl = $"http://prometheus:9090/graph?g0.expr=latency%7Binstance%3D%22payments-{index}%22%7D",
    };

    protected static TimelineEntry Entry(int minute, string text, string actor = IncidentActors.System, string kind = IncidentTimelineKinds.Notification)
        => new(T0.AddMinutes(minute), actor, kind, text);

    protected static void AssertSameRecord(IncidentRecord expected, IncidentRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(JsonSerializer.Serialize(expected, Json), JsonSerializer.Serialize(actual, Json));
    }

    protected static async Task<List<IncidentRecord>> QueryAllAsync(IIncidentStore store, IncidentQuery query)
    {
        var all = new List<IncidentRecord>();
        var page = await store.QueryAsync(query, Ct);
        all.AddRange(page.Incidents);
        for (var pages = 1; page.ContinuationToken is { } token; pages++)
        {
            Assert.True(pages < 100, "Paging does not end.");
            Assert.Equal(query.PageSize, page.Incidents.Count);
            page = await store.QueryAsync(query with { ContinuationToken = token }, Ct);
            all.AddRange(page.Incidents);
        }

        return all;
    }

    protected static async Task<string[]> QueryIdsAsync(IIncidentStore store, IncidentQuery query)
        => [.. (await QueryAllAsync(store, query)).Select(r => r.Id)];

    [Fact]
    public async Task GetAsync_AfterUpsert_ReturnsTheRecord()
    {
        var store = await CreateSutAsync();
        var record = Record("inc-1", new DateTimeOffset(2026, 3, 1, 14, 30, 15, TimeSpan.FromHours(2)), alerts: 3) with
        {
            Description = "p99 latency above 2 s",
            ExternalUrl = "http://alertmanager:9093",
            Policy = "payments",
            EscalationLevel = 2,
            State = IncidentState.Acknowledged,
            AcknowledgedAt = T0.AddMinutes(7),
            AcknowledgedBy = "alice",
        };

        await store.UpsertAsync(record, Ct);

        AssertSameRecord(record, await store.GetAsync("inc-1", Ct));
    }

    [Fact]
    public async Task GetAsync_ThousandAlerts_RoundTrips()
    {
        var store = await CreateSutAsync();
        var record = Record("inc-big", T0, alerts: 1000);

        await store.UpsertAsync(record, Ct);

        AssertSameRecord(record, await store.GetAsync("inc-big", Ct));
        var page = await store.QueryAsync(new IncidentQuery { PageSize = 10 }, Ct);
        AssertSameRecord(record, Assert.Single(page.Incidents));
    }

    [Fact]
    public async Task GetAsync_IdWithReservedCharacters_RoundTrips()
    {
        var store = await CreateSutAsync();
        var record = Record("inc/a#b?c\\d%e", T0);

        await store.UpsertAsync(record, Ct);
        await store.AppendTimelineAsync(record.Id, [Entry(0, "opened")], Ct);
        await store.SaveReportAsync(record.Id, "# report", Ct);

        AssertSameRecord(record, await store.GetAsync(record.Id, Ct));
        Assert.Null(await store.GetAsync("inc/a#b?c\\d%25e", Ct));
        Assert.Single(await store.GetTimelineAsync(record.Id, Ct));
        Assert.Equal("# report", await store.GetReportAsync(record.Id, Ct));
        Assert.Equal([record.Id], await QueryIdsAsync(store, new IncidentQuery()));
    }

    [Fact]
    public async Task UnknownId_GetsNothing()
    {
        var store = await CreateSutAsync();
        await store.UpsertAsync(Record("inc-1", T0), Ct);
        await store.AppendTimelineAsync("inc-1", [Entry(0, "opened")], Ct);
        await store.SaveReportAsync("inc-1", "# report", Ct);

        Assert.Null(await store.GetAsync("inc-2", Ct));
        Assert.Empty(await store.GetTimelineAsync("inc-2", Ct));
        Assert.Null(await store.GetReportAsync("inc-2", Ct));
    }

    [Fact]
    public async Task UpsertAsync_Existing_ReplacesIt()
    {
        var store = await CreateSutAsync();
        await store.UpsertAsync(Record("inc-1", T0, alerts: 1000), Ct);
        var resolved = Record("inc-1", T0, severity: Severity.Critical, state: IncidentState.Resolved, alerts: 2) with
        {
            ResolvedAt = T0.AddHours(1),
            ResolvedBy = "bob",
        };

        await store.UpsertAsync(resolved, Ct);

        AssertSameRecord(resolved, await store.GetAsync("inc-1", Ct));
        AssertSameRecord(resolved, Assert.Single(await QueryAllAsync(store, new IncidentQuery())));
    }

    [Fact]
    public async Task UpsertAsync_StateChange_MovesTheIncidentBetweenStateQueries()
    {
        var store = await CreateSutAsync();
        await store.UpsertAsync(Record("inc-1", T0), Ct);
        await store.UpsertAsync(Record("inc-2", T0.AddMinutes(1)), Ct);
        Assert.Equal(["inc-2", "inc-1"], await QueryIdsAsync(store, new IncidentQuery { State = IncidentState.Open }));

        await store.UpsertAsync(Record("inc-1", T0, state: IncidentState.Acknowledged), Ct);

        Assert.Equal(["inc-2"], await QueryIdsAsync(store, new IncidentQuery { State = IncidentState.Open }));
        Assert.Equal(["inc-1"], await QueryIdsAsync(store, new IncidentQuery { State = IncidentState.Acknowledged }));

        await store.UpsertAsync(Record("inc-1", T0, state: IncidentState.Resolved), Ct);

        Assert.Empty(await QueryIdsAsync(store, new IncidentQuery { State = IncidentState.Acknowledged }));
        Assert.Equal(["inc-1"], await QueryIdsAsync(store, new IncidentQuery { State = IncidentState.Resolved }));
        Assert.Equal(["inc-2", "inc-1"], await QueryIdsAsync(store, new IncidentQuery()));
    }

    [Fact]
    public async Task UpsertAsync_OpeningTimeChanged_ListsTheIncidentOnceAtTheNewTime()
    {
        var store = await CreateSutAsync();
        await store.UpsertAsync(Record("inc-1", T0), Ct);
        await store.UpsertAsync(Record("inc-2", T0.AddMinutes(1)), Ct);

        await store.UpsertAsync(Record("inc-1", T0.AddMinutes(2)), Ct);

        Assert.Equal(["inc-1", "inc-2"], await QueryIdsAsync(store, new IncidentQuery()));
        Assert.Empty(await QueryIdsAsync(store, new IncidentQuery { OpenedTo = T0.AddMinutes(1) }));
        Assert.Equal(T0.AddMinutes(2), (await store.GetAsync("inc-1", Ct))!.OpenedAt);
    }

    [Fact]
    public async Task SaveReportAsync_LargeReport_RoundTripsAndIsReplaced()
    {
        var store = await CreateSutAsync();
        // Digests in every line keep it from compressing to almost nothing, so it spans several parts where parts exist.
        var report = "# Incident inc-1\n\n" + string.Concat(Enumerable.Range(0, 2500).Select(i =>
            $"| {i:D5} | alice | {Convert.ToHexString(SHA256.HashData(BitConverter.GetBytes(i)))} |\n"));
        Assert.True(report.Length > 200 * 1024);

        await store.SaveReportAsync("inc-1", report, Ct);
        Assert.Equal(report, await store.GetReportAsync("inc-1", Ct));

        await store.SaveReportAsync("inc-1", "# Incident inc-1\n\nshort", Ct);
        Assert.Equal("# Incident inc-1\n\nshort", await store.GetReportAsync("inc-1", Ct));
    }
}
