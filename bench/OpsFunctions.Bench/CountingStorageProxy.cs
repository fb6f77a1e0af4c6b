using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

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
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly HashSet<string> HopByHopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "Host",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _forwarder = new(new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = 256,
    });

    private readonly Dictionary<int, (int Port, string Service)> _targets = [];
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    private CountingStorageProxy()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            for (var service = 0; service < 3; service++)
            {
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
            }
        });
        _app = builder.Build();
        _app.Run(ForwardAsync);
    }

    /// <summary>Gets the connection string that reaches Azurite through the proxy.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>Gets or sets the task hub name, stripped from table names so counts read <c>table_read:Instances</c>.</summary>
    public string HubName { get; set; } = string.Empty;

    public static async Task<CountingStorageProxy> StartAsync()
    {
        var proxy = new CountingStorageProxy();
        await proxy._app.StartAsync();
        var ports = proxy._app.Urls.Select(url => new Uri(url).Port).ToArray();
        string Endpoint(int index, int azuritePort, string service)
        {
            proxy._targets[ports[index]] = (azuritePort, service);
            return $"http://127.0.0.1:{ports[index]}/devstoreaccount1";
        }

        proxy.ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};"
            + $"BlobEndpoint={Endpoint(0, AzuritePort("BLOB", 10000), "blob")};QueueEndpoint={Endpoint(1, AzuritePort("QUEUE", 10001), "queue")};"
            + $"TableEndpoint={Endpoint(2, AzuritePort("TABLE", 10002), "table")};";
        return proxy;
    }

    /// <summary>
    /// The port of one of Azurite's services: <c>AZURITE_BLOB_PORT</c>, <c>AZURITE_QUEUE_PORT</c> or <c>AZURITE_TABLE_PORT</c>
    /// as <c>scripts/azurite.sh</c> reads them, so a run can have an Azurite of its own, started empty.
    /// </summary>
    private static int AzuritePort(string service, int port)
        => int.TryParse(Environment.GetEnvironmentVariable($"AZURITE_{service}_PORT"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var configured)
            ? configured
            : port;

    /// <summary>Gets the counts so far by kind, e.g. <c>queue_send</c>, <c>table_read:Instances</c>.</summary>
    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_counts, StringComparer.Ordinal);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _forwarder.Dispose();
    }

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

    private async Task ForwardAsync(HttpContext context)
    {
        var (port, service) = _targets[context.Connection.LocalPort];
        var kind = Classify(service, context.Request.Method, context.Request.Path.Value ?? string.Empty, HubName);
        _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);

        using var request = await CopyRequestAsync(context, port);
        using var response = await _forwarder.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers).Where(h => !HopByHopHeaders.Contains(h.Key)))
        {
            context.Response.Headers[header.Key] = header.Value.ToArray();
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private static async Task<HttpRequestMessage> CopyRequestAsync(HttpContext context, int port)
    {
        var incoming = context.Request;
        // The raw target, as sent: Tables sign the path as the client encoded it, and decoding and encoding again changes it.
        var target = new Uri($"http://127.0.0.1:{port}{context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget}");
        using var buffer = new MemoryStream();
        await incoming.Body.CopyToAsync(buffer, context.RequestAborted);
        var request = new HttpRequestMessage(new HttpMethod(incoming.Method), target) { Content = new ByteArrayContent(buffer.ToArray()) };
        foreach (var (name, value) in incoming.Headers.Where(h => !HopByHopHeaders.Contains(h.Key) && !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
        {
            if (!request.Headers.TryAddWithoutValidation(name, value.ToArray()))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value.ToArray());
            }
        }

        return request;
    }
}
