using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace OpsFunctions.Testing.Azure;

/// <summary>
/// A loopback proxy in front of Azurite's blob, queue and table ports. Each request goes to a handler, which passes it on
/// (<see cref="SendToAzuriteAsync"/>, <see cref="CopyResponseAsync"/>) or answers it itself: tests spoil requests with
/// it, the bench counts them.
/// </summary>
public sealed class AzuriteProxy : IAsyncDisposable
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

    private AzuriteProxy(Func<HttpContext, string, AzuriteProxy, Task> handle)
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
        _app.Run(context => handle(context, _targets[context.Connection.LocalPort].Service, this));
    }

    /// <summary>Gets the connection string that reaches Azurite through the proxy.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>Starts a proxy whose <paramref name="handle"/> gets each request with its service: <c>blob</c>, <c>queue</c> or <c>table</c>.</summary>
    public static async Task<AzuriteProxy> StartAsync(Func<HttpContext, string, AzuriteProxy, Task> handle)
    {
        var proxy = new AzuriteProxy(handle);
        await proxy._app.StartAsync();
        var ports = proxy._app.Urls.Select(url => new Uri(url).Port).ToArray();
        string Endpoint(int index, string service, int azuritePort)
        {
            proxy._targets[ports[index]] = (AzuritePort(service, azuritePort), service);
            return $"http://127.0.0.1:{ports[index]}/devstoreaccount1";
        }

        proxy.ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};"
            + $"BlobEndpoint={Endpoint(0, "blob", 10000)};QueueEndpoint={Endpoint(1, "queue", 10001)};TableEndpoint={Endpoint(2, "table", 10002)};";
        return proxy;
    }

    /// <summary>Passes the request on to Azurite, as sent, and gives back its answer with the headers read.</summary>
    public async Task<HttpResponseMessage> SendToAzuriteAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var incoming = context.Request;

        // The raw target, as sent: Tables sign the path as the client encoded it, and decoding and encoding again changes it.
        var port = _targets[context.Connection.LocalPort].Port;
        var target = new Uri($"http://127.0.0.1:{port}{context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget}");
        using var buffer = new MemoryStream();
        await incoming.Body.CopyToAsync(buffer, context.RequestAborted);
        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), target) { Content = new ByteArrayContent(buffer.ToArray()) };
        foreach (var (name, value) in incoming.Headers.Where(h => !HopByHopHeaders.Contains(h.Key) && !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
        {
            if (!request.Headers.TryAddWithoutValidation(name, value.ToArray()))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value.ToArray());
            }
        }

        return await _forwarder.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
    }

    /// <summary>Answers the caller with Azurite's answer: status, headers and body.</summary>
    public static async Task CopyResponseAsync(HttpContext context, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(response);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers).Where(h => !HopByHopHeaders.Contains(h.Key)))
        {
            context.Response.Headers[header.Key] = header.Value.ToArray();
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _forwarder.Dispose();
    }

    /// <summary>
    /// The port of one of Azurite's services: <c>AZURITE_BLOB_PORT</c>, <c>AZURITE_QUEUE_PORT</c> or <c>AZURITE_TABLE_PORT</c>
    /// as <c>scripts/azurite.sh</c> reads them, so a run can have an Azurite of its own.
    /// </summary>
    private static int AzuritePort(string service, int port)
        => int.TryParse(Environment.GetEnvironmentVariable($"AZURITE_{service.ToUpperInvariant()}_PORT"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var configured)
            ? configured
            : port;
}
