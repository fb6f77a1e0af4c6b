using OpsFunctions.Operations.Deployments;

namespace OpsFunctions.Operations.Tests.Deployments.Storage;

public abstract partial class DeploymentStoreContractTests
{
    /// <summary>Stores nine deployments an hour apart, newest last: dep-0 at T0 ... dep-8 at T0 + 8 h.</summary>
    private static async Task<IDeploymentStore> SeedAsync(IDeploymentStore store)
    {
        string[] services = ["payments", "Checkout", "search"];
        DeploymentState[] states = [DeploymentState.Progressing, DeploymentState.Paused, DeploymentState.Succeeded, DeploymentState.Aborted, DeploymentState.Succeeded];
        for (var i = 0; i < 9; i++)
        {
            await store.UpsertAsync(Record($"dep-{i}", T0.AddHours(i), services[i % 3], states[i % 5]), Ct);
        }

        return store;
    }

    [Fact]
    public async Task QueryAsync_NoFilter_ReturnsNewestFirstWithTiesById()
    {
        var store = await SeedAsync(await CreateSutAsync());
        await store.UpsertAsync(Record("dep-8b", T0.AddHours(8)), Ct);
        await store.UpsertAsync(Record("dep-8a", T0.AddHours(8)), Ct);

        var page = await store.QueryAsync(new DeploymentQuery(), Ct);

        Assert.Null(page.ContinuationToken);
        Assert.Equal(["dep-8", "dep-8a", "dep-8b", "dep-7", "dep-6", "dep-5", "dep-4", "dep-3", "dep-2", "dep-1", "dep-0"], page.Deployments.Select(r => r.Id));
    }

    [Fact]
    public async Task QueryAsync_TimeRange_IncludesFromExcludesTo()
    {
        var store = await SeedAsync(await CreateSutAsync());

        Assert.Equal(["dep-5", "dep-4", "dep-3", "dep-2"], await QueryIdsAsync(store, new DeploymentQuery { StartedFrom = T0.AddHours(2), StartedTo = T0.AddHours(6) }));
        Assert.Equal(["dep-8", "dep-7"], await QueryIdsAsync(store, new DeploymentQuery { StartedFrom = T0.AddHours(7).AddTicks(-1) }));
        Assert.Equal(["dep-1", "dep-0"], await QueryIdsAsync(store, new DeploymentQuery { StartedTo = T0.AddHours(1).AddTicks(1) }));
        Assert.Equal(["dep-3"], await QueryIdsAsync(store, new DeploymentQuery { StartedFrom = T0.AddHours(3), StartedTo = T0.AddHours(3).AddTicks(1) }));
        Assert.Empty(await QueryIdsAsync(store, new DeploymentQuery { StartedFrom = T0.AddHours(3), StartedTo = T0.AddHours(3) }));

        // The bounds compare instants, whatever their offsets.
        var from = T0.AddHours(2).ToOffset(TimeSpan.FromHours(-5));
        Assert.Equal(["dep-3", "dep-2"], await QueryIdsAsync(store, new DeploymentQuery { StartedFrom = from, StartedTo = T0.AddHours(4).ToOffset(TimeSpan.FromHours(9)) }));
    }

    [Fact]
    public async Task QueryAsync_Service_MatchesThatServiceIgnoringCase()
    {
        var store = await SeedAsync(await CreateSutAsync());

        Assert.Equal(["dep-7", "dep-4", "dep-1"], await QueryIdsAsync(store, new DeploymentQuery { Service = "Checkout" }));
        Assert.Equal(["dep-7", "dep-4", "dep-1"], await QueryIdsAsync(store, new DeploymentQuery { Service = "checkout" }));
        Assert.Equal(["dep-8", "dep-5", "dep-2"], await QueryIdsAsync(store, new DeploymentQuery { Service = "SEARCH" }));
        Assert.Empty(await QueryIdsAsync(store, new DeploymentQuery { Service = "check" }));
        Assert.Empty(await QueryIdsAsync(store, new DeploymentQuery { Service = "o'brien" }));
    }

    [Fact]
    public async Task QueryAsync_State_ReturnsThatStateOnly()
    {
        var store = await SeedAsync(await CreateSutAsync());

        Assert.Equal(["dep-7", "dep-4", "dep-2"], await QueryIdsAsync(store, new DeploymentQuery { State = DeploymentState.Succeeded }));
        Assert.Equal(["dep-5", "dep-0"], await QueryIdsAsync(store, new DeploymentQuery { State = DeploymentState.Progressing }));
        Assert.Equal(["dep-8", "dep-3"], await QueryIdsAsync(store, new DeploymentQuery { State = DeploymentState.Aborted }));
        Assert.Empty(await QueryIdsAsync(store, new DeploymentQuery { State = DeploymentState.Superseded }));
    }

    [Fact]
    public async Task QueryAsync_FiltersTogether_ReturnTheIntersection()
    {
        var store = await SeedAsync(await CreateSutAsync());

        var query = new DeploymentQuery { Service = "CHECKOUT", State = DeploymentState.Succeeded, StartedFrom = T0.AddHours(2) };
        Assert.Equal(["dep-7", "dep-4"], await QueryIdsAsync(store, query));
        Assert.Equal(["dep-4"], await QueryIdsAsync(store, query with { StartedTo = T0.AddHours(7) }));
    }

    [Fact]
    public async Task QueryAsync_HundredTwentyRecordsInPagesOfFifty_ReturnsEachOnceNewestFirst()
    {
        var store = await CreateSutAsync();
        for (var i = 0; i < 120; i++)
        {
            // Pairs share a start time, so page boundaries fall between equal times.
            await store.UpsertAsync(Record($"dep-{i:D3}", T0.AddMinutes(i / 2), service: i % 4 == 0 ? "search" : "payments"), Ct);
        }

        var first = await store.QueryAsync(new DeploymentQuery { PageSize = 50 }, Ct);
        var second = await store.QueryAsync(new DeploymentQuery { PageSize = 50, ContinuationToken = first.ContinuationToken }, Ct);
        var third = await store.QueryAsync(new DeploymentQuery { PageSize = 50, ContinuationToken = second.ContinuationToken }, Ct);

        var expected = Enumerable.Range(0, 120).OrderByDescending(i => i / 2).ThenBy(i => i).Select(i => $"dep-{i:D3}").ToList();
        Assert.Equal(expected[..50], first.Deployments.Select(r => r.Id));
        Assert.Equal(expected[50..100], second.Deployments.Select(r => r.Id));
        Assert.Equal(expected[100..], third.Deployments.Select(r => r.Id));
        Assert.NotNull(first.ContinuationToken);
        Assert.NotNull(second.ContinuationToken);
        Assert.Null(third.ContinuationToken);

        // Paging a filtered query gives each match once.
        var search = await QueryIdsAsync(store, new DeploymentQuery { Service = "Search", PageSize = 7 });
        Assert.Equal(expected.Where(id => int.Parse(id[4..], System.Globalization.CultureInfo.InvariantCulture) % 4 == 0), search);
    }

    [Fact]
    public async Task QueryAsync_ExactlyOnePageOfMatches_HasNoContinuation()
    {
        var store = await SeedAsync(await CreateSutAsync());

        var page = await store.QueryAsync(new DeploymentQuery { Service = "checkout", PageSize = 3 }, Ct);

        Assert.Equal(3, page.Deployments.Count);
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task QueryAsync_DeploymentsChangingBetweenPages_NoneRepeatsOrIsSkipped()
    {
        var store = await SeedAsync(await CreateSutAsync());
        var first = await store.QueryAsync(new DeploymentQuery { PageSize = 4 }, Ct);
        Assert.Equal(["dep-8", "dep-7", "dep-6", "dep-5"], first.Deployments.Select(r => r.Id));

        // A newer deployment starts and an older one changes state before the next page is read.
        await store.UpsertAsync(Record("dep-9", T0.AddHours(9)), Ct);
        await store.UpsertAsync(Record("dep-2", T0.AddHours(2), state: DeploymentState.Superseded), Ct);

        var rest = await QueryIdsAsync(store, new DeploymentQuery { PageSize = 4, ContinuationToken = first.ContinuationToken });
        Assert.Equal(["dep-4", "dep-3", "dep-2", "dep-1", "dep-0"], rest);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task QueryAsync_PageSizeAtTheLimits_IsAccepted(int pageSize)
    {
        var store = await SeedAsync(await CreateSutAsync());

        var page = await store.QueryAsync(new DeploymentQuery { PageSize = pageSize }, Ct);

        Assert.Equal(Math.Min(pageSize, 9), page.Deployments.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    [InlineData(int.MaxValue)]
    public async Task QueryAsync_PageSizeOutOfRange_ThrowsNamingIt(int pageSize)
    {
        var store = await CreateSutAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAsync(new DeploymentQuery { PageSize = pageSize }, Ct));

        Assert.Equal(nameof(DeploymentQuery.PageSize), error.ParamName);
        Assert.Contains("between 1 and 1000", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a token!")]
    [InlineData("3")]
    [InlineData("MTIz")]
    [InlineData("MjoxMjM6ZGVwLTE")]
    [InlineData("MTp4eXo6ZGVwLTE")]
    [InlineData("MToxMjM6")]
    public async Task QueryAsync_MalformedContinuationToken_ThrowsNamingIt(string token)
    {
        var store = await SeedAsync(await CreateSutAsync());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAsync(new DeploymentQuery { ContinuationToken = token }, Ct));

        Assert.Equal(nameof(DeploymentQuery.ContinuationToken), error.ParamName);
        Assert.Contains("ContinuationToken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryAsync_EmptyStore_ReturnsAnEmptyPage()
    {
        var store = await CreateSutAsync();

        var page = await store.QueryAsync(new DeploymentQuery { Service = "payments", State = DeploymentState.Progressing }, Ct);

        Assert.Empty(page.Deployments);
        Assert.Null(page.ContinuationToken);
    }
}
