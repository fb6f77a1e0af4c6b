using Azure.Data.Tables;
using OpsFunctions.Operations.Storage;

namespace OpsFunctions.Operations.Deployments.Storage;

public sealed partial class TableDeploymentStore
{
    private const string FreezeProperty = "Freeze";
    private const string NameProperty = "Name";

    public async Task SaveFreezeAsync(DeploymentFreeze freeze, CancellationToken cancellationToken)
    {
        DeploymentStoreFormat.Validate(freeze);
        var table = await _table.GetAsync(cancellationToken);
        var row = new TableEntity(DeploymentTableKeys.FreezePartition, DeploymentTableKeys.FreezeRow(freeze.Name)) { [NameProperty] = freeze.Name };
        TablePayload.Write(row, FreezeProperty, DeploymentStoreFormat.Serialize(freeze), $"Deployment freeze '{freeze.Name}'");
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<bool> DeleteFreezeAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        await _table.GetAsync(cancellationToken);
        return await _table.DeleteIfExistsAsync(DeploymentTableKeys.FreezePartition, DeploymentTableKeys.FreezeRow(name), cancellationToken);
    }

    public async Task<IReadOnlyList<DeploymentFreeze>> GetFreezesAsync(CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken);
        var freezes = new List<DeploymentFreeze>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {DeploymentTableKeys.FreezePartition}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            freezes.Add(DeploymentStoreFormat.DeserializeFreeze(TablePayload.Read(row, FreezeProperty)
                ?? throw new InvalidDataException($"Freeze row '{row.RowKey}' holds no freeze.")));
        }

        // Row keys are escaped names, which sort unlike the names where they hold escapes: order by name here.
        return DeploymentStoreFormat.ByName(freezes);
    }
}
