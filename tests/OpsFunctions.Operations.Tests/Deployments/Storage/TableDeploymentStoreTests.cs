using System.Security.Cryptography;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Operations.Deployments;
using OpsFunctions.Operations.Deployments.Storage;
using OpsFunctions.Operations.Storage;
using OpsFunctions.Testing.Azure;

namespace OpsFunctions.Operations.Tests.Deployments.Storage;

/// <summary>The contract on Azurite, each test on a fresh table that is deleted afterwards.</summary>
public sealed class TableDeploymentStoreTests : DeploymentStoreContractTests, IAsyncDisposable
{
    private readonly List<string> _tables = [];
    private TableServiceClient? _service;

    protected override async Task<IDeploymentStore> CreateSutAsync() => await CreateStoreAsync();

    [Fact]
    public async Task UpsertAsync_LargeRecord_StoresItCompressedInOneListingRow()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(LargeRecord("dep-big", T0), Ct);

        var rows = await Table(store).QueryAsync<TableEntity>(cancellationToken: Ct).ToListAsync(Ct);

        var listing = Assert.Single(rows, r => r.PartitionKey == "deployments");
        Assert.Equal(RecordTableKeys.Inverted(T0.UtcTicks) + "_dep-big", listing.RowKey);
        Assert.Equal("payments", listing.GetString("Service"));
        Assert.Equal("PAYMENTS", listing.GetString("ServiceKey"));
        Assert.Equal("Progressing", listing.GetString("State"));
        Assert.True(listing.GetInt32("RecordGzParts") >= 1);
        Assert.Null(listing.GetString("Record"));
        var pointer = Assert.Single(rows, r => r.PartitionKey == "deployment:dep-big");
        Assert.Equal("record", pointer.RowKey);
    }

    [Fact]
    public async Task UpsertAsync_SmallRecord_StoresReadableJson()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Record("dep-1", T0), Ct);

        var listing = await Table(store).QueryAsync<TableEntity>(e => e.PartitionKey == "deployments", cancellationToken: Ct).SingleAsync(Ct);

        Assert.Contains("\"id\":\"dep-1\"", listing.GetString("Record"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpsertAsync_RecordTooLargeForARow_ThrowsNamingTheDeployment()
    {
        var store = await CreateStoreAsync();
        var noise = string.Concat(Enumerable.Range(0, 40_000).Select(i => Convert.ToHexString(SHA256.HashData(BitConverter.GetBytes(i)))));
        var record = Record("dep-huge", T0) with { Reason = noise };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpsertAsync(record, Ct));

        Assert.Contains("'dep-huge'", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync("dep-huge", Ct));
    }

    [Fact]
    public async Task SaveFreezeAsync_StoresOneRowPerNameInTheFreezesPartition()
    {
        var store = await CreateStoreAsync();
        await store.SaveFreezeAsync(Freeze("Holidays"), Ct);
        await store.SaveFreezeAsync(Freeze("holidays"), Ct);
        await store.SaveFreezeAsync(Freeze("audit/q1"), Ct);

        var rows = await Table(store).QueryAsync<TableEntity>(e => e.PartitionKey == "freezes", cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal(["AUDIT%2FQ1", "HOLIDAYS"], rows.Select(r => r.RowKey).Order(StringComparer.Ordinal));
        Assert.Equal("holidays", rows.Single(r => r.RowKey == "HOLIDAYS").GetString("Name"));
    }

    [Fact]
    public async Task AddDeploymentStore_RecordsInTables_UsesTheHubsDeploymentsTable()
    {
        var services = new ServiceCollection()
            .AddSingleton(RecordStorage.InTables(new TableServiceClient(Azurite.ConnectionString), "ops"))
            .AddDeploymentStore();
        await using var provider = services.BuildServiceProvider();

        var store = Assert.IsType<TableDeploymentStore>(provider.GetRequiredService<IDeploymentStore>());

        Assert.Equal("opsDeployments", store.TableName);
    }

    [Theory]
    [InlineData("my-hub")]
    [InlineData("ops_1")]
    [InlineData("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabc")]
    [InlineData("1ops")]
    public void Constructor_HubNameGivingAnInvalidTableName_ThrowsNamingIt(string hubName)
    {
        var error = Assert.Throws<ArgumentException>(() => new TableDeploymentStore(new TableServiceClient(Azurite.ConnectionString), hubName));

        Assert.Contains($"'{hubName}Deployments'", error.Message, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            foreach (var table in _tables)
            {
                await _service.DeleteTableAsync(table, CancellationToken.None);
            }
        }
    }

    private TableClient Table(TableDeploymentStore store) => _service!.GetTableClient(store.TableName);

    private async Task<TableDeploymentStore> CreateStoreAsync()
    {
        _service ??= new TableServiceClient(await Azurite.EnsureStartedAsync());
        var store = new TableDeploymentStore(_service, "t" + Guid.NewGuid().ToString("N")[..12]);
        _tables.Add(store.TableName);
        return store;
    }
}
