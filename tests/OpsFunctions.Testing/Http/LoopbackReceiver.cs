using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace OpsFunctions.Testing.Http;

/// <summary>One request as the receiver read it.</summary>
public sealed record RecordedRequest(string Method, string Path, string QueryString, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("The body is JSON null.");
}

/// <summary>
/// A Kestrel app on a loopback port that records every request (method, path, headers, body) and answers as told:
/// 200 by default, a fixed status and body, the next N requests failed with a status, or held until released.
/// </summary>
public sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Lock _gate = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private int _failuresLeft;
    private int _failureStatus = 503;
    private int _status = 200;
    private string _body = "ok";
    private string _contentType = "text/plain";
    private TaskCompletionSource? _hold;

    private LoopbackReceiver(WebApplication app)
    {
        _app = app;
        app.Run(HandleAsync);
    }

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<LoopbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var receiver = new LoopbackReceiver(builder.Build());
        await receiver._app.StartAsync(TestContext.Current.CancellationToken);
        receiver.BaseAddress = new Uri(receiver._app.Urls.First().TrimEnd('/') + "/");
        return receiver;
    }

    public Uri Url(string path) => new(BaseAddress, path.TrimStart('/'));

    /// <summary>Answers every request with this status and body from now on.</summary>
    public void RespondWith(int status, string body = "", string contentType = "application/json")
    {
        _status = status;
        _body = body;
        _contentType = contentType;
    }

    /// <summary>Fails the next <paramref name="count"/> requests with <paramref name="status"/>, then answers as before.</summary>
    public void FailNext(int count, int status = 503)
    {
        _failureStatus = status;
        Volatile.Write(ref _failuresLeft, count);
    }

    /// <summary>Holds every request (after recording it) until <see cref="Release"/> or until the client gives up.</summary>
    public void Hold() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _hold?.TrySetResult();

    /// <summary>Completes once the receiver has recorded at least <paramref name="count"/> requests.</summary>
    public Task WaitForRequestsAsync(int count)
    {
        lock (_gate)
        {
            if (_requests.Count >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task.WaitAsync(Eventually.Patience, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        Record(new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", headers, buffer.ToArray()));

        if (_hold is { } hold)
        {
            try
            {
                await hold.Task.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            context.Response.StatusCode = _failureStatus;
            await context.Response.WriteAsync("receiver told to fail", context.RequestAborted);
            return;
        }

        context.Response.StatusCode = _status;
        context.Response.ContentType = _contentType;
        await context.Response.WriteAsync(_body, context.RequestAborted);
    }

    private void Record(RecordedRequest request)
    {
        lock (_gate)
        {
            _requests.Enqueue(request);
            foreach (var waiter in _waiters.Where(w => _requests.Count >= w.Count).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
    }
}
