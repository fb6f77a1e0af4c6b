using System.Security.Cryptography;
using Azure.Data.Tables;
using OpsFunctions.Operations.Incidents.Storage;
using OpsFunctions.Operations.Incidents;
using OpsFunctions.Testing.Azure;

namespace OpsFunctions.Operations.Tests.Incidents.Storage;

/// <summary>The contract on Azurite, each test on a fresh table that is deleted afterwards.</summary>
public sealed class TableIncidentStoreTests : IncidentStoreContractTests, IAsyncDisposable
{
    private readonly List<string> _tables = [];
    private TableServiceClient? _service;

    protected override async Task<IIncidentStore> CreateSutAsync() => await CreateStoreAsync();

    [Fact]
    public async Task UpsertAsync_ThousandAlerts_StoresTheRecordCompressedInOneIndexRow()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Record("inc-big", T0, alerts: 1000), Ct);

        var rows = await Table(store).QueryAsync<TableEntity>(cancellationToken: Ct).ToListAsync(Ct);

        var index = Assert.Single(rows, r => r.PartitionKey == "incidents");
        Assert.StartsWith(TableKeys.Inverted(T0.UtcTicks) + "_inc-big", index.RowKey, StringComparison.Ordinal);
        Assert.Equal("High", index.GetString("Severity"));
        Assert.Equal("Open", index.GetString("State"));
        Assert.True(index.GetInt32("RecordGzParts") >= 1);
        Assert.Null(index.GetString("Record"));
        var pointer = Assert.Single(rows, r => r.PartitionKey == "incident:inc-big");
        Assert.Equal("record", pointer.RowKey);
    }

    [Fact]
    public async Task UpsertAsync_SmallRecord_StoresReadableJson()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Record("inc-1", T0), Ct);

        var index = await Table(store).QueryAsync<TableEntity>(e => e.PartitionKey == "incidents", cancellationToken: Ct).SingleAsync(Ct);

        Assert.Contains("\"id\":\"inc-1\"", index.GetString("Record"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpsertAsync_RecordTooLargeForARow_ThrowsNamingTheIncident()
    {
        var store = await CreateStoreAsync();
        var noise = string.Concat(Enumerable.Range(0, 40_000).Select(i => Convert.ToHexString(SHA256.HashData(BitConverter.GetBytes(i)))));
        var record = Record("inc-huge", T0) with { Description = noise };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpsertAsync(record, Ct));

        Assert.Contains("'inc-huge'", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync("inc-huge", Ct));
    }

    [Theory]
    [InlineData("my-hub")]
    [InlineData("ops_1")]
    [InlineData("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcde")]
    [InlineData("1ops")]
    public void Constructor_HubNameGivingAnInvalidTableName_ThrowsNamingIt(string hubName)
    {
        var error = Assert.Throws<ArgumentException>(() => new TableIncidentStore(new TableServiceClient(Azurite.ConnectionString), hubName));

        Assert.Contains($"'{hubName}Incidents'", error.Message, StringComparison.Ordinal);
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

    private TableClient Table(TableIncidentStore store) => _service!.GetTableClient(store.TableName);

    private async Task<TableIncidentStore> CreateStoreAsync()
    {
        _service ??= new TableServiceClient(await Azurite.EnsureStartedAsync());
        var store = new TableIncidentStore(_service, "t" + Guid.NewGuid().ToString("N")[..12]);
        _tables.Add(store.TableName);
        return store;
    }
}
