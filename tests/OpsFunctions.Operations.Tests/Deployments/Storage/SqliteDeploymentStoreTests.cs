using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Operations.Deployments;
using OpsFunctions.Operations.Deployments.Storage;
using OpsFunctions.Operations.Storage;

namespace OpsFunctions.Operations.Tests.Deployments.Storage;

public sealed class SqliteDeploymentStoreTests : DeploymentStoreContractTests, IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("opsfunctions-deployments-").FullName;
    private readonly List<SqliteDeploymentStore> _stores = [];

    protected override Task<IDeploymentStore> CreateSutAsync() => Task.FromResult<IDeploymentStore>(CreateStore());

    [Fact]
    public async Task FirstUse_CreatesTheDatabaseAndItsFolder()
    {
        var store = CreateStore(Path.Combine(_directory, "data", "ops.deployments.db"));
        Assert.False(File.Exists(store.DatabaseFile));

        Assert.Null(await store.GetAsync("dep-1", Ct));

        Assert.True(File.Exists(store.DatabaseFile));
    }

    [Fact]
    public async Task SecondStoreOnTheSameFile_SeesWhatTheFirstWrote()
    {
        var file = Path.Combine(_directory, "shared.deployments.db");
        var first = CreateStore(file);
        var record = Record("dep-1", T0, steps: 3);
        await first.UpsertAsync(record, Ct);
        await first.AppendTimelineAsync("dep-1", [Entry(0, "started")], Ct);
        await first.SaveFreezeAsync(Freeze("holidays"), Ct);

        var second = CreateStore(file);
        await second.AppendTimelineAsync("dep-1", [Entry(0, "started"), Entry(1, "weight 25")], Ct);

        AssertSameRecord(record, await second.GetAsync("dep-1", Ct));
        Assert.Equal(["started", "weight 25"], (await first.GetTimelineAsync("dep-1", Ct)).Select(e => e.Text));
        Assert.Equal(["holidays"], (await second.GetFreezesAsync(Ct)).Select(f => f.Name));
    }

    [Fact]
    public async Task AddDeploymentStore_RecordsInADirectory_UsesTheHubsDeploymentsFile()
    {
        var services = new ServiceCollection()
            .AddSingleton(RecordStorage.InDirectory(_directory, "ops"))
            .AddDeploymentStore();
        await using var provider = services.BuildServiceProvider();

        var store = Assert.IsType<SqliteDeploymentStore>(provider.GetRequiredService<IDeploymentStore>());

        Assert.Equal(Path.Combine(_directory, "ops.deployments.db"), store.DatabaseFile);
    }

    [Fact]
    public void AddDeploymentStore_NoRecordStorage_ThrowsSayingWhatIsMissing()
    {
        using var provider = new ServiceCollection().AddDeploymentStore().BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IDeploymentStore>());

        Assert.Contains(nameof(RecordStorage), error.Message, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private SqliteDeploymentStore CreateStore(string? file = null)
    {
        var store = new SqliteDeploymentStore(file ?? Path.Combine(_directory, $"t{_stores.Count}.deployments.db"));
        _stores.Add(store);
        return store;
    }
}
