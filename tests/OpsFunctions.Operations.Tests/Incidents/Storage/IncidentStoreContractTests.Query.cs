using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests.Incidents.Storage;

public abstract partial class IncidentStoreContractTests
{
    /// <summary>Stores nine incidents an hour apart, newest last: inc-0 at T0 ... inc-8 at T0 + 8 h.</summary>
    private static async Task<IIncidentStore> SeedAsync(IIncidentStore store)
    {
        string[] services = ["payments", "checkout", "search"];
        Severity[] severities = [Severity.Critical, Severity.High, Severity.Medium, Severity.Low];
        IncidentState[] states = [IncidentState.Open, IncidentState.Acknowledged, IncidentState.Resolved, IncidentState.Unacknowledged, IncidentState.Resolved];
        for (var i = 0; i < 9; i++)
        {
            await store.UpsertAsync(Record($"inc-{i}", T0.AddHours(i), services[i % 3], severities[i % 4], states[i % 5]), Ct);
        }

        return store;
    }

    [Fact]
    public async Task QueryAsync_NoFilter_ReturnsNewestFirstWithTiesById()
    {
        var store = await SeedAsync(await CreateSutAsync());
        await store.UpsertAsync(Record("inc-8b", T0.AddHours(8)), Ct);
        await store.UpsertAsync(Record("inc-8a", T0.AddHours(8)), Ct);

        var page = await store.QueryAsync(new IncidentQuery(), Ct);

        Assert.Null(page.ContinuationToken);
        Assert.Equal(["inc-8", "inc-8a", "inc-8b", "inc-7", "inc-6", "inc-5", "inc-4", "inc-3", "inc-2", "inc-1", "inc-0"], page.Incidents.Select(r => r.Id));
    }

    [Fact]
    public async Task QueryAsync_TimeRange_IncludesFromExcludesTo()
    {
        var store = await SeedAsync(await CreateSutAsync());

        Assert.Equal(["inc-5", "inc-4", "inc-3", "inc-2"], await QueryIdsAsync(store, new IncidentQuery { OpenedFrom = T0.AddHours(2), OpenedTo = T0.AddHours(6) }));
        Assert.Equal(["inc-8", "inc-7"], await QueryIdsAsync(store, new IncidentQuery { OpenedFrom = T0.AddHours(7).AddTicks(-1) }));
        Assert.Equal(["inc-1", "inc-0"], await QueryIdsAsync(store, new IncidentQuery { OpenedTo = T0.AddHours(1).AddTicks(1) }));
        Assert.Equal(["inc-3"], await QueryIdsAsync(store, new IncidentQuery { OpenedFrom = T0.AddHours(3), OpenedTo = T0.AddHours(3).AddTicks(1) }));
        Assert.Empty(await QueryIdsAsync(store, new IncidentQuery { OpenedFrom = T0.AddHours(3), OpenedTo = T0.AddHours(3) }));

        // The bounds compare instants, whatever their offsets.
        var from = T0.AddHours(2).ToOffset(TimeSpan.FromHours(-5));
        Assert.Equal(["inc-3", "inc-2"], await QueryIdsAsync(store, new IncidentQuery { OpenedFrom = from, OpenedTo = T0.AddHours(4).ToOffset(TimeSpan.FromHours(9)) }));
    }

    [Fact]
    public async Task QueryAsync_Service_ReturnsThatServiceOnly()
    {
        var store = await SeedAsync(await CreateSutAsync());

        Assert.Equal(["inc-7", "inc-4", "inc-1"], await QueryIdsAsync(store, new IncidentQuery { Service = "checkout" }));
        Assert.Empty(await QueryIdsAsync(store, new IncidentQuery { Service = "Checkout" }));
        Assert.Empty(await QueryIdsAsync(store, new IncidentQuery { Service = "o'brien" }));
    }

    [Fact]
    public async Task QueryAsync_Severity_ReturnsThatSeverityOnly()
    {
        var store = await SeedAsync(await CreateSutAsync());

        Assert.Equal(["inc-8", "inc-4", "inc-0"], await QueryIdsAsync(store, new IncidentQuery { Severity = Severity.Critical }));
        Assert.Equal(["inc-7", "inc-3"], await QueryIdsAsync(store, new IncidentQuery { Severity = Severity.Low }));
    }

    [Fact]
    public async Task QueryAsync_State_ReturnsThatStateOnly()
    {
        var store = await SeedAsync(await CreateSutAsync());

        Assert.Equal(["inc-7", "inc-4", "inc-2"], await QueryIdsAsync(store, new IncidentQuery { State = IncidentState.Resolved }));
        Assert.Equal(["inc-5", "inc-0"], await QueryIdsAsync(store, new IncidentQuery { State = IncidentState.Open }));
        Assert.Equal(["inc-8", "inc-3"], await QueryIdsAsync(store, new IncidentQuery { State = IncidentState.Unacknowledged }));
    }

    [Fact]
    public async Task QueryAsync_FiltersTogether_ReturnTheIntersection()
    {
        var store = await SeedAsync(await CreateSutAsync());

        var query = new IncidentQuery { Service = "checkout", State = IncidentState.Resolved, OpenedFrom = T0.AddHours(2) };
        Assert.Equal(["inc-7", "inc-4"], await QueryIdsAsync(store, query));
        Assert.Equal(["inc-4"], await QueryIdsAsync(store, query with { Severity = Severity.Critical }));
    }

    [Fact]
    public async Task QueryAsync_SevenRecordsInPagesOfThree_ReturnsEachOnceNewestFirst()
    {
        var store = await CreateSutAsync();
        for (var i = 0; i < 7; i++)
        {
            // Two share an opening time, so a page boundary falls between equal times.
            await store.UpsertAsync(Record($"inc-{i}", T0.AddMinutes(i == 3 ? 2 : i)), Ct);
        }

        var first = await store.QueryAsync(new IncidentQuery { PageSize = 3 }, Ct);
        var second = await store.QueryAsync(new IncidentQuery { PageSize = 3, ContinuationToken = first.ContinuationToken }, Ct);
        var third = await store.QueryAsync(new IncidentQuery { PageSize = 3, ContinuationToken = second.ContinuationToken }, Ct);

        Assert.Equal(["inc-6", "inc-5", "inc-4"], first.Incidents.Select(r => r.Id));
        Assert.Equal(["inc-2", "inc-3", "inc-1"], second.Incidents.Select(r => r.Id));
        Assert.Equal(["inc-0"], third.Incidents.Select(r => r.Id));
        Assert.NotNull(first.ContinuationToken);
        Assert.NotNull(second.ContinuationToken);
        Assert.Null(third.ContinuationToken);
    }

    [Fact]
    public async Task QueryAsync_PagesOfAFilteredQuery_ReturnEachMatchOnce()
    {
        var store = await CreateSutAsync();
        for (var i = 0; i < 20; i++)
        {
            await store.UpsertAsync(Record($"inc-{i:D2}", T0.AddMinutes(i), service: i % 3 == 0 ? "search" : "payments"), Ct);
        }

        var ids = await QueryIdsAsync(store, new IncidentQuery { Service = "search", PageSize = 3 });

        Assert.Equal(["inc-18", "inc-15", "inc-12", "inc-09", "inc-06", "inc-03", "inc-00"], ids);
    }

    [Fact]
    public async Task QueryAsync_ExactlyOnePageOfMatches_HasNoContinuation()
    {
        var store = await SeedAsync(await CreateSutAsync());

        var page = await store.QueryAsync(new IncidentQuery { Service = "checkout", PageSize = 3 }, Ct);

        Assert.Equal(3, page.Incidents.Count);
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task QueryAsync_IncidentsChangingBetweenPages_NoneRepeatsOrIsSkipped()
    {
        var store = await SeedAsync(await CreateSutAsync());
        var first = await store.QueryAsync(new IncidentQuery { PageSize = 4 }, Ct);
        Assert.Equal(["inc-8", "inc-7", "inc-6", "inc-5"], first.Incidents.Select(r => r.Id));

        // A newer incident opens and an older one changes state before the next page is read.
        await store.UpsertAsync(Record("inc-9", T0.AddHours(9)), Ct);
        await store.UpsertAsync(Record("inc-2", T0.AddHours(2), state: IncidentState.Resolved), Ct);

        var rest = await QueryIdsAsync(store, new IncidentQuery { PageSize = 4, ContinuationToken = first.ContinuationToken });
        Assert.Equal(["inc-4", "inc-3", "inc-2", "inc-1", "inc-0"], rest);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task QueryAsync_PageSizeAtTheLimits_IsAccepted(int pageSize)
    {
        var store = await SeedAsync(await CreateSutAsync());

        var page = await store.QueryAsync(new IncidentQuery { PageSize = pageSize }, Ct);

        Assert.Equal(Math.Min(pageSize, 9), page.Incidents.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    [InlineData(int.MaxValue)]
    public async Task QueryAsync_PageSizeOutOfRange_ThrowsNamingIt(int pageSize)
    {
        var store = await CreateSutAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAsync(new IncidentQuery { PageSize = pageSize }, Ct));

        Assert.Equal(nameof(IncidentQuery.PageSize), error.ParamName);
        Assert.Contains("between 1 and 1000", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a token!")]
    [InlineData("3")]
    [InlineData("MTIz")]
    [InlineData("MjoxMjM6aW5jLTE")]
    [InlineData("MTp4eXo6aW5jLTE")]
    [InlineData("MToxMjM6")]
    public async Task QueryAsync_MalformedContinuationToken_ThrowsNamingIt(string token)
    {
        var store = await SeedAsync(await CreateSutAsync());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAsync(new IncidentQuery { ContinuationToken = token }, Ct));

        Assert.Equal(nameof(IncidentQuery.ContinuationToken), error.ParamName);
        Assert.Contains("ContinuationToken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryAsync_EmptyStore_ReturnsAnEmptyPage()
    {
        var store = await CreateSutAsync();

        var page = await store.QueryAsync(new IncidentQuery { Service = "payments", State = IncidentState.Open }, Ct);

        Assert.Empty(page.Incidents);
        Assert.Null(page.ContinuationToken);
    }
}
