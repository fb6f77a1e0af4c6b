using Azure;
using Azure.Data.Tables;

namespace OpsFunctions.Operations.Storage;

/// <summary>A feature's table, created on first use (once per store, whichever call comes first).</summary>
internal sealed class RecordTable
{
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private volatile bool _created;

    public RecordTable(TableClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
    }

    public TableClient Client { get; }

    /// <summary>Gets the table, creating it the first time.</summary>
    public async Task<TableClient> GetAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return Client;
        }

        await _createGate.WaitAsync(cancellationToken);
        try
        {
            if (!_created)
            {
                await Client.CreateIfNotExistsAsync(cancellationToken);
                _created = true;
            }
        }
        finally
        {
            _createGate.Release();
        }

        return Client;
    }

    /// <summary>Deletes the row; false when it was not there.</summary>
    public async Task<bool> DeleteIfExistsAsync(string partition, string row, CancellationToken cancellationToken)
    {
        try
        {
            // The client answers a missing row with its 404 response rather than an exception; older versions threw.
            var response = await Client.DeleteEntityAsync(partition, row, ETag.All, cancellationToken);
            return response.Status != 404;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return false;
        }
    }
}
