using Microsoft.AspNetCore.Http;
using OpsFunctions.Testing.Azure;

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
    private readonly StorageFault[] _faults;
    private readonly Func<HttpRequest, bool> _watched;
    private readonly int[] _injected = new int[Enum.GetValues<StorageFault>().Length];
    private AzuriteProxy? _proxy;
    private long _requests;
    private long _watchedRequests;

    private FaultyStorageProxy(int period, StorageFault[] faults, Func<HttpRequest, bool> watched)
    {
        Period = period;
        _faults = faults;
        _watched = watched;
    }

    /// <summary>Gets how often a request is spoiled: every <see cref="Period"/>th.</summary>
    public int Period { get; }

    /// <summary>Gets the connection string that reaches Azurite through the proxy.</summary>
    public string ConnectionString => _proxy!.ConnectionString;

    /// <summary>Gets how many requests passed through.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Starts a proxy that spoils every <paramref name="period"/>th request <paramref name="watched"/> picks (all by default).</summary>
    public static async Task<FaultyStorageProxy> StartAsync(int period, StorageFault[]? faults = null, Func<HttpRequest, bool>? watched = null)
    {
        var faulty = new FaultyStorageProxy(period, faults ?? Enum.GetValues<StorageFault>(), watched ?? (_ => true));
        faulty._proxy = await AzuriteProxy.StartAsync((context, _, proxy) => faulty.HandleAsync(context, proxy));
        return faulty;
    }

    /// <summary>Gets how many requests were spoiled with <paramref name="fault"/>.</summary>
    public int Injected(StorageFault fault) => Volatile.Read(ref _injected[(int)fault]);

    public ValueTask DisposeAsync() => _proxy?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task HandleAsync(HttpContext context, AzuriteProxy proxy)
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

        using var response = await proxy.SendToAzuriteAsync(context);
        if (fault is not { } applied)
        {
            await AzuriteProxy.CopyResponseAsync(context, response);
            return;
        }

        // Storage applied the request; the caller hears otherwise.
        await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        Interlocked.Increment(ref _injected[(int)applied]);
        if (applied == StorageFault.DroppedAfterApplying)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        context.Response.Headers["x-ms-error-code"] = "InternalError";
    }
}
