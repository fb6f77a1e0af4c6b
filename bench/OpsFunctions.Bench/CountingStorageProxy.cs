using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using OpsFunctions.Testing.Azure;

namespace OpsFunctions.Bench;

/// <summary>
/// A loopback proxy in front of Azurite's blob, queue and table ports that counts the requests passing through by
/// kind: table point reads, queries and writes (per table), queue sends, receives and deletes, blob requests.
/// </summary>
/// <remarks>
/// The host under load is its own process, so the store's own request counter cannot be read from here; counting on the
/// wire sees every request of that process, the incident store's included. Each request costs one more loopback hop,
/// so latencies measured through it are a little higher than without it.
/// </remarks>
internal sealed class CountingStorageProxy : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private AzuriteProxy? _proxy;

    /// <summary>Gets the connection string that reaches Azurite through the proxy.</summary>
    public string ConnectionString => _proxy!.ConnectionString;

    /// <summary>Gets or sets the task hub name, stripped from table names so counts read <c>table_read:Instances</c>.</summary>
    public string HubName { get; set; } = string.Empty;

    public static async Task<CountingStorageProxy> StartAsync()
    {
        var counting = new CountingStorageProxy();
        counting._proxy = await AzuriteProxy.StartAsync(counting.ForwardAsync);
        return counting;
    }

    /// <summary>Gets the counts so far by kind, e.g. <c>queue_send</c>, <c>table_read:Instances</c>.</summary>
    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_counts, StringComparer.Ordinal);

    public ValueTask DisposeAsync() => _proxy?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>
    /// The kind of a request, from its method and path: Azure Tables address an entity as <c>Table(PartitionKey='..',RowKey='..')</c>
    /// and a query as <c>Table()</c> or <c>Table</c> with <c>$filter</c>; Azure Queues put messages with POST on
    /// <c>queue/messages</c>, receive with GET and delete or hide again with DELETE or PUT on <c>messages/{id}</c>.
    /// </summary>
    internal static string Classify(string service, string method, string path, string hubName)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var resource = segments.Length > 1 ? segments[1] : string.Empty;
        switch (service)
        {
            case "table":
                if (resource.StartsWith("$batch", StringComparison.Ordinal))
                {
                    return "table_batch";
                }

                var parenthesis = resource.IndexOf('(', StringComparison.Ordinal);
                var table = parenthesis < 0 ? resource : resource[..parenthesis];
                table = table.StartsWith(hubName, StringComparison.OrdinalIgnoreCase) ? table[hubName.Length..] : table;
                var entity = parenthesis >= 0 && resource.Length > parenthesis + 2;
                var kind = method switch
                {
                    "GET" => entity ? "table_read" : "table_query",
                    "POST" => "table_insert",
                    "DELETE" => "table_delete",
                    _ => "table_update",
                };
                return $"{kind}:{table}";
            case "queue":
                var messages = segments.Length > 2 && segments[2] == "messages";
                var single = segments.Length > 3;
                return (method, messages, single) switch
                {
                    ("POST", true, false) => "queue_send",
                    ("GET", true, false) => "queue_receive",
                    ("DELETE", true, true) => "queue_delete",
                    ("PUT", true, true) => "queue_update",
                    _ => "queue_other",
                };
            default:
                return "blob";
        }
    }

    private async Task ForwardAsync(HttpContext context, string service, AzuriteProxy proxy)
    {
        var kind = Classify(service, context.Request.Method, context.Request.Path.Value ?? string.Empty, HubName);
        _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);
        using var response = await proxy.SendToAzuriteAsync(context);
        await AzuriteProxy.CopyResponseAsync(context, response);
    }
}
