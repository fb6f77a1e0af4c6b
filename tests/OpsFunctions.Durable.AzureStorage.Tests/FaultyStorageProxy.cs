using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace OpsFunctions.Durable.AzureStorage.Tests;

/// <summary>How the proxy spoils a request.</summary>
public enum StorageFault
{
    /// <summary>Answers 503 Server Busy without passing the request on: storage throttling.</summary>
    Throttled,

    /// <summary>Passes the request on, then answers 500 instead of storage's answer: the write happened, the caller cannot know.</summary>
    FailedAfterApplying,

    /// <summary>Passes the request on, then drops the connection: a network error after the write happened.</summary>
    DroppedAfterApplying,
}

/// <summary>
/// A loopback proxy in front of Azurite's blob, queue and table ports that spoils every <see cref="Period"/>th request
/// it is told to watch, taking turns over the given kinds of <see cref="StorageFault"/>: the storage faults a host in
/// Azure meets.
/// </summary>
public sealed class FaultyStorageProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "Host",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _forwarder = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None });
    private readonly Dictionary<int, int> _targets = [];
    private readonly StorageFault[] _faults;
    private readonly Func<HttpRequest, bool> _watched;
    private readonly int[] _injected = new int[Enum.GetValues<StorageFault>().Length];
    private long _requests;
    private long _watchedRequests;

    private FaultyStorageProxy(int period, StorageFault[] faults, Func<HttpRequest, bool> watched)
    {
        Period = period;
        _faults = faults;
        _watched = watched;
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

    /// <summary>Gets how often a request is spoiled: every <see cref="Period"/>th.</summary>
    public int Period { get; }

    /// <summary>Gets the connection string that reaches Azurite through the proxy.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>Gets how many requests passed through.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Starts a proxy that spoils every <paramref name="period"/>th request <paramref name="watched"/> picks (all by default).</summary>
    public static async Task<FaultyStorageProxy> StartAsync(int period, StorageFault[]? faults = null, Func<HttpRequest, bool>? watched = null)
    {
        var proxy = new FaultyStorageProxy(period, faults ?? Enum.GetValues<StorageFault>(), watched ?? (_ => true));
        await proxy._app.StartAsync();
        var ports = proxy._app.Urls.Select(url => new Uri(url).Port).ToArray();
        string Endpoint(int index, int azuritePort)
        {
            proxy._targets[ports[index]] = azuritePort;
            return $"http://127.0.0.1:{ports[index]}/devstoreaccount1";
        }

        proxy.ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + $"BlobEndpoint={Endpoint(0, 10000)};QueueEndpoint={Endpoint(1, 10001)};TableEndpoint={Endpoint(2, 10002)};";
        return proxy;
    }

    /// <summary>Gets how many requests were spoiled with <paramref name="fault"/>.</summary>
    public int Injected(StorageFault fault) => Volatile.Read(ref _injected[(int)fault]);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _forwarder.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var number = _watched(context.Request) ? Interlocked.Increment(ref _watchedRequests) : 0;
        StorageFault? fault = number > 0 && number % Period == 0 ? _faults[(number / Period) % _faults.Length] : null;
        if (fault == StorageFault.Throttled)
        {
            Interlocked.Increment(ref _injected[(int)StorageFault.Throttled]);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers["x-ms-error-code"] = "ServerBusy";
            return;
        }

        using var request = await CopyRequestAsync(context);
        using var response = await _forwarder.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        var body = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        if (fault is { } applied)
        {
            Interlocked.Increment(ref _injected[(int)applied]);
            if (applied == StorageFault.DroppedAfterApplying)
            {
                context.Abort();
                return;
            }

            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            context.Response.Headers["x-ms-error-code"] = "InternalError";
            return;
        }

        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers).Where(h => !HopByHopHeaders.Contains(h.Key)))
        {
            context.Response.Headers[header.Key] = header.Value.ToArray();
        }

        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private async Task<HttpRequestMessage> CopyRequestAsync(HttpContext context)
    {
        var incoming = context.Request;
        var target = new UriBuilder("http", "127.0.0.1", _targets[context.Connection.LocalPort], incoming.Path) { Query = incoming.QueryString.Value?.TrimStart('?') ?? string.Empty };
        using var buffer = new MemoryStream();
        await incoming.Body.CopyToAsync(buffer, context.RequestAborted);
        var request = new HttpRequestMessage(new HttpMethod(incoming.Method), target.Uri) { Content = new ByteArrayContent(buffer.ToArray()) };
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
