using OpsFunctions.Operations.Incidents.Storage;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests.Incidents.Storage;

public sealed class SqliteIncidentStoreTests : IncidentStoreContractTests, IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("opsfunctions-incidents-").FullName;
    private readonly List<SqliteIncidentStore> _stores = [];

    protected override Task<IIncidentStore> CreateSutAsync() => Task.FromResult<IIncidentStore>(CreateStore());

    [Fact]
    public async Task FirstUse_CreatesTheDatabaseAndItsFolder()
    {
        var store = CreateStore(Path.Combine(_directory, "data", "ops.incidents.db"));
        Assert.False(File.Exists(store.DatabaseFile));

        Assert.Null(await store.GetAsync("inc-1", Ct));

        Assert.True(File.Exists(store.DatabaseFile));
    }

    [Fact]
    public async Task SecondStoreOnTheSameFile_SeesWhatTheFirstWrote()
    {
        var file = Path.Combine(_directory, "shared.incidents.db");
        var first = CreateStore(file);
        var record = Record("inc-1", T0, alerts: 5);
        await first.UpsertAsync(record, Ct);
        await first.AppendTimelineAsync("inc-1", [Entry(0, "opened")], Ct);

        var second = CreateStore(file);
        await second.AppendTimelineAsync("inc-1", [Entry(0, "opened"), Entry(1, "paged L1")], Ct);

        AssertSameRecord(record, await second.GetAsync("inc-1", Ct));
        Assert.Equal(["opened", "paged L1"], (await first.GetTimelineAsync("inc-1", Ct)).Select(e => e.Text));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private SqliteIncidentStore CreateStore(string? file = null)
    {
        var store = new SqliteIncidentStore(file ?? Path.Combine(_directory, $"t{_stores.Count}.incidents.db"));
        _stores.Add(store);
        return store;
    }
}
