using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using OpsFunctions.Durable.Diagnostics;

namespace OpsFunctions.Host.Tests;

public sealed partial class TracingTests
{
    [Fact]
    public async Task Webhook_WithTraceparent_ActivitiesRunInTheCallersTrace()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == DurableTracing.SourceName,
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await RunningHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var traceId = ActivityTraceId.CreateRandom();

        var response = await PostRawAsync(host.BaseAddress, "/api/deployments", "{\"service\":\"checkout\",\"version\":\"2\"}", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        var id = InstanceId().Match(response).Groups[1].Value;
        await host.Client.WaitForInstanceCompletionAsync(id, cancellation: TestContext.Current.CancellationToken);

        Assert.StartsWith("HTTP/1.1 202", response, StringComparison.Ordinal);
        var step = Assert.Single(spans, s => (string?)s.GetTagItem("opsfunctions.instance_id") == id);
        Assert.Equal("activity SampleStep", step.DisplayName);
        Assert.Equal(traceId, step.TraceId);
    }

    /// <summary>
    /// Sends the request over a bare socket: an HttpClient in this process would be traced by the host's own
    /// HttpClient instrumentation, which re-stamps the traceparent header.
    /// </summary>
    private static async Task<string> PostRawAsync(Uri address, string path, string json, string traceParent)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port, TestContext.Current.CancellationToken);
        var stream = tcp.GetStream();
        var body = Encoding.UTF8.GetBytes(json);
        var head = $"POST {path} HTTP/1.1\r\nHost: {address.Authority}\r\nx-functions-key: {RunningHost.FunctionKey}\r\n"
            + $"traceparent: {traceParent}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), TestContext.Current.CancellationToken);
        await stream.WriteAsync(body, TestContext.Current.CancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
    }

    [GeneratedRegex("\"id\":\"([^\"]+)\"")]
    private static partial Regex InstanceId();
}
