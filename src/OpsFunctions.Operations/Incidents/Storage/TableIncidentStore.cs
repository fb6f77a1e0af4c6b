using Azure.Data.Tables;
using OpsFunctions.Operations.Storage;

namespace OpsFunctions.Operations.Incidents.Storage;

/// <summary>
/// An <see cref="IIncidentStore"/> in Azure Tables: the table <c>&lt;hub&gt;Incidents</c> in the engine's storage account.
/// </summary>
/// <remarks>
/// <para>
/// Partition <c>incidents</c> lists every incident, one row each, keyed by its opening ticks inverted (19 digits, newest
/// first), '_' and its encoded id. The row holds the record (see <see cref="TablePayload"/>) and the columns a query
/// filters on (<c>Service</c>, <c>Severity</c>, <c>State</c>), so a query is one range scan and a state change is one
/// write to one row.
/// </para>
/// <para>
/// Each incident has its own partition <c>incident:&lt;encoded id&gt;</c>: row <c>record</c> names its index row (the
/// lookup by id), row <c>report</c> the report, rows <c>t&lt;ticks&gt;-&lt;entry key&gt;</c> the timeline and row
/// <c>timeline</c> the count of entries, which numbers them in append order.
/// </para>
/// </remarks>
public sealed partial class TableIncidentStore : IIncidentStore
{
    private const string RecordProperty = "Record";
    private const string ServiceProperty = "Service";
    private const string SeverityProperty = "Severity";
    private const string StateProperty = "State";
    private const string OpenedTicksProperty = "OpenedTicks";
    private const string IndexRowProperty = "IndexRow";

    private readonly RecordTable _table;

    /// <summary>Initializes a new instance of the <see cref="TableIncidentStore"/> class on the table of <paramref name="hubName"/>.</summary>
    /// <exception cref="ArgumentException">The table name <c>&lt;hub&gt;Incidents</c> is not one Azure Tables accept.</exception>
    public TableIncidentStore(TableServiceClient service, string hubName)
    {
        ArgumentNullException.ThrowIfNull(service);
        TableName = RecordStorage.InTables(service, hubName).TableName(IncidentStoreRegistration.Feature);
        _table = new RecordTable(service.GetTableClient(TableName));
    }

    /// <summary>Gets the table's name.</summary>
    public string TableName { get; }

    private TableClient Table => _table.Client;

    public async Task UpsertAsync(IncidentRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.Id);
        await _table.GetAsync(cancellationToken);
        var partition = TableKeys.IncidentPartition(record.Id);
        var opened = record.OpenedAt.UtcTicks;
        var indexRow = TableKeys.IndexRow(opened, record.Id);

        var index = new TableEntity(TableKeys.IndexPartition, indexRow)
        {
            [ServiceProperty] = record.Service,
            [SeverityProperty] = record.Severity.ToString(),
            [StateProperty] = record.State.ToString(),
            [OpenedTicksProperty] = opened,
        };
        TablePayload.Write(index, RecordProperty, IncidentStoreFormat.Serialize(record), $"The record of incident '{record.Id}'");

        // The index row first, then the pointer: a lookup never finds a pointer to a row that is not there. When the
        // opening time changed, the old index row goes last; a crash before that leaves it until the retried upsert.
        var pointer = await Table.GetEntityIfExistsAsync<TableEntity>(partition, TableKeys.RecordRow, cancellationToken: cancellationToken);
        var previousRow = pointer.HasValue ? pointer.Value!.GetString(IndexRowProperty) : null;
        await Table.UpsertEntityAsync(index, TableUpdateMode.Replace, cancellationToken);
        if (previousRow == indexRow)
        {
            return;
        }

        var newPointer = new TableEntity(partition, TableKeys.RecordRow) { [IndexRowProperty] = indexRow, [OpenedTicksProperty] = opened };
        await Table.UpsertEntityAsync(newPointer, TableUpdateMode.Replace, cancellationToken);
        if (previousRow is not null)
        {
            await _table.DeleteIfExistsAsync(TableKeys.IndexPartition, previousRow, cancellationToken);
        }
    }

    public async Task SaveReportAsync(string incidentId, string markdown, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(incidentId);
        ArgumentNullException.ThrowIfNull(markdown);
        await _table.GetAsync(cancellationToken);
        var report = new TableEntity(TableKeys.IncidentPartition(incidentId), TableKeys.ReportRow);
        TablePayload.Write(report, RecordProperty, markdown, $"The report of incident '{incidentId}'");
        await Table.UpsertEntityAsync(report, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IncidentRecord?> GetAsync(string incidentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidentId);
        await _table.GetAsync(cancellationToken);
        var pointer = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.IncidentPartition(incidentId), TableKeys.RecordRow, cancellationToken: cancellationToken);
        if (!pointer.HasValue || pointer.Value!.GetString(IndexRowProperty) is not { } indexRow)
        {
            return null;
        }

        var index = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.IndexPartition, indexRow, cancellationToken: cancellationToken);
        return index.HasValue ? ReadRecord(index.Value!) : null;
    }

    public async Task<string?> GetReportAsync(string incidentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidentId);
        await _table.GetAsync(cancellationToken);
        var report = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.IncidentPartition(incidentId), TableKeys.ReportRow, cancellationToken: cancellationToken);
        return report.HasValue ? TablePayload.Read(report.Value!, RecordProperty) : null;
    }

    public async Task<IncidentPage> QueryAsync(IncidentQuery query, CancellationToken cancellationToken)
    {
        var after = IncidentPaging.Validate(query);
        await _table.GetAsync(cancellationToken);
        var filter = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.IndexPartition}") };
        if (query.OpenedTo is { } to)
        {
            // Opened before 'to' is opened at or before to - 1 tick: inverted, at or after that.
            filter.Add(TableClient.CreateQueryFilter($"RowKey ge {TableKeys.Inverted(to.UtcTicks - 1)}"));
        }

        if (query.OpenedFrom is { } from)
        {
            filter.Add(TableClient.CreateQueryFilter($"RowKey lt {TableKeys.Inverted(from.UtcTicks - 1)}"));
        }

        if (after is { } position)
        {
            filter.Add(TableClient.CreateQueryFilter($"RowKey gt {TableKeys.IndexRow(position.OpenedTicks, position.Id)}"));
        }

        if (query.Service is { } service)
        {
            filter.Add(TableClient.CreateQueryFilter($"Service eq {service}"));
        }

        if (query.Severity is { } severity)
        {
            filter.Add(TableClient.CreateQueryFilter($"Severity eq {severity.ToString()}"));
        }

        if (query.State is { } state)
        {
            filter.Add(TableClient.CreateQueryFilter($"State eq {state.ToString()}"));
        }

        // One more than a page tells whether another page follows; the service may answer in several pages of its own.
        var records = new List<IncidentRecord>(Math.Min(query.PageSize + 1, 64));
        var rows = Table.QueryAsync<TableEntity>(string.Join(" and ", filter), maxPerPage: Math.Min(query.PageSize + 1, 1000), cancellationToken: cancellationToken);
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
            return new IncidentPage(records, null);
        }

        records.RemoveAt(records.Count - 1);
        return new IncidentPage(records, IncidentPaging.CreateToken(records[^1]));
    }

    private static IncidentRecord ReadRecord(TableEntity row)
        => IncidentStoreFormat.DeserializeRecord(TablePayload.Read(row, RecordProperty)
            ?? throw new InvalidDataException($"Index row '{row.RowKey}' holds no record."));
}
