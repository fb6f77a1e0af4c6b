using Azure.Data.Tables;
using OpsFunctions.Operations.Storage;

namespace OpsFunctions.Operations.Deployments.Storage;

/// <summary>
/// An <see cref="IDeploymentStore"/> in Azure Tables: the table <c>&lt;hub&gt;Deployments</c> in the engine's storage
/// account.
/// </summary>
/// <remarks>
/// <para>
/// Partition <c>deployments</c> lists every deployment, one row each, keyed by its start ticks inverted (19 digits,
/// newest first), '_' and its encoded id. The row holds the record (see <see cref="TablePayload"/>: readable JSON up to
/// 32,000 characters, gzipped parts beyond) and the columns a query filters on (<c>ServiceKey</c>, the service in
/// <see cref="DeploymentPaging.NameKey"/> form, and <c>State</c>), so a query is one range scan and a state change is
/// one write to one row.
/// </para>
/// <para>
/// Each deployment has its own partition <c>deployment:&lt;encoded id&gt;</c>: row <c>record</c> names its listing row
/// (the lookup by id), rows <c>t&lt;ticks&gt;-&lt;entry key&gt;</c> the timeline and row <c>timeline</c> the count of
/// entries, which numbers them in append order (see <see cref="TableTimeline"/>).
/// </para>
/// <para>Partition <c>freezes</c> holds one row per freeze, keyed by its name in <see cref="DeploymentPaging.NameKey"/> form.</para>
/// </remarks>
public sealed partial class TableDeploymentStore : IDeploymentStore
{
    private const string RecordProperty = "Record";
    private const string ServiceProperty = "Service";
    private const string ServiceKeyProperty = "ServiceKey";
    private const string StateProperty = "State";
    private const string StartedTicksProperty = "StartedTicks";
    private const string ListRowProperty = "ListRow";

    private readonly RecordTable _table;

    /// <summary>Initializes a new instance of the <see cref="TableDeploymentStore"/> class on the table of <paramref name="hubName"/>.</summary>
    /// <exception cref="ArgumentException">The table name <c>&lt;hub&gt;Deployments</c> is not one Azure Tables accept.</exception>
    public TableDeploymentStore(TableServiceClient service, string hubName)
    {
        ArgumentNullException.ThrowIfNull(service);
        TableName = RecordStorage.InTables(service, hubName).TableName(DeploymentStoreRegistration.Feature);
        _table = new RecordTable(service.GetTableClient(TableName));
    }

    /// <summary>Gets the table's name.</summary>
    public string TableName { get; }

    public async Task UpsertAsync(DeploymentRecord record, CancellationToken cancellationToken)
    {
        DeploymentStoreFormat.Validate(record);
        var table = await _table.GetAsync(cancellationToken);
        var partition = DeploymentTableKeys.DeploymentPartition(record.Id);
        var started = record.StartedAt.UtcTicks;
        var listRow = DeploymentTableKeys.ListRow(started, record.Id);

        var row = new TableEntity(DeploymentTableKeys.ListPartition, listRow)
        {
            [ServiceProperty] = record.Service,
            [ServiceKeyProperty] = DeploymentPaging.NameKey(record.Service),
            [StateProperty] = record.State.ToString(),
            [StartedTicksProperty] = started,
        };
        TablePayload.Write(row, RecordProperty, DeploymentStoreFormat.Serialize(record), $"The record of deployment '{record.Id}'");

        // The listing row first, then the pointer: a lookup never finds a pointer to a row that is not there. When the
        // start time changed, the old listing row goes last; a crash before that leaves it until the retried upsert.
        var pointer = await table.GetEntityIfExistsAsync<TableEntity>(partition, DeploymentTableKeys.RecordRow, cancellationToken: cancellationToken);
        var previousRow = pointer.HasValue ? pointer.Value!.GetString(ListRowProperty) : null;
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
        if (previousRow == listRow)
        {
            return;
        }

        var newPointer = new TableEntity(partition, DeploymentTableKeys.RecordRow) { [ListRowProperty] = listRow, [StartedTicksProperty] = started };
        await table.UpsertEntityAsync(newPointer, TableUpdateMode.Replace, cancellationToken);
        if (previousRow is not null)
        {
            await _table.DeleteIfExistsAsync(DeploymentTableKeys.ListPartition, previousRow, cancellationToken);
        }
    }

    public async Task<DeploymentRecord?> GetAsync(string deploymentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deploymentId);
        var table = await _table.GetAsync(cancellationToken);
        var pointer = await table.GetEntityIfExistsAsync<TableEntity>(DeploymentTableKeys.DeploymentPartition(deploymentId), DeploymentTableKeys.RecordRow, cancellationToken: cancellationToken);
        if (!pointer.HasValue || pointer.Value!.GetString(ListRowProperty) is not { } listRow)
        {
            return null;
        }

        var row = await table.GetEntityIfExistsAsync<TableEntity>(DeploymentTableKeys.ListPartition, listRow, cancellationToken: cancellationToken);
        return row.HasValue ? ReadRecord(row.Value!) : null;
    }

    /// <summary>Appends as every feature's table store does (<see cref="TableTimeline.AppendAsync"/>), in the deployment's partition.</summary>
    public async Task AppendTimelineAsync(string deploymentId, IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(deploymentId);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var table = await _table.GetAsync(cancellationToken);
        await TableTimeline.AppendAsync(table, DeploymentTableKeys.DeploymentPartition(deploymentId), entries, $"deployment '{deploymentId}'", cancellationToken);
    }

    public async Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string deploymentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deploymentId);
        var table = await _table.GetAsync(cancellationToken);
        return await TableTimeline.ReadAsync(table, DeploymentTableKeys.DeploymentPartition(deploymentId), cancellationToken);
    }

    public async Task<DeploymentPage> QueryAsync(DeploymentQuery query, CancellationToken cancellationToken)
    {
        var after = DeploymentPaging.Validate(query);
        var table = await _table.GetAsync(cancellationToken);
        var filter = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {DeploymentTableKeys.ListPartition}") };
        if (query.StartedTo is { } to)
        {
            // Started before 'to' is started at or before to - 1 tick: inverted, at or after that.
            filter.Add(TableClient.CreateQueryFilter($"RowKey ge {RecordTableKeys.Inverted(to.UtcTicks - 1)}"));
        }

        if (query.StartedFrom is { } from)
        {
            filter.Add(TableClient.CreateQueryFilter($"RowKey lt {RecordTableKeys.Inverted(from.UtcTicks - 1)}"));
        }

        if (after is { } position)
        {
            filter.Add(TableClient.CreateQueryFilter($"RowKey gt {DeploymentTableKeys.ListRow(position.StartedTicks, position.Id)}"));
        }

        if (query.Service is { } service)
        {
            filter.Add(TableClient.CreateQueryFilter($"ServiceKey eq {DeploymentPaging.NameKey(service)}"));
        }

        if (query.State is { } state)
        {
            filter.Add(TableClient.CreateQueryFilter($"State eq {state.ToString()}"));
        }

        // One more than a page tells whether another page follows; the service may answer in several pages of its own.
        var records = new List<DeploymentRecord>(Math.Min(query.PageSize + 1, 64));
        var rows = table.QueryAsync<TableEntity>(string.Join(" and ", filter), maxPerPage: Math.Min(query.PageSize + 1, 1000), cancellationToken: cancellationToken);
        await foreach (var row in rows)
        {
            records.Add(ReadRecord(row));
            if (records.Count > query.PageSize)
            {
                break;
            }
        }

        if (records.Count <= query.PageSize)
        {
            return new DeploymentPage(records, null);
        }

        records.RemoveAt(records.Count - 1);
        return new DeploymentPage(records, DeploymentPaging.CreateToken(records[^1]));
    }

    private static DeploymentRecord ReadRecord(TableEntity row)
        => DeploymentStoreFormat.DeserializeRecord(TablePayload.Read(row, RecordProperty)
            ?? throw new InvalidDataException($"Listing row '{row.RowKey}' holds no record."));
}
