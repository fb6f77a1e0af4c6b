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

        var response = await PostRawAsync(host.BaseAddress, "/api/trigger", "{\"service\":\"checkout\",\"version\":\"2\"}", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        var id = InstanceId().Match(response).Groups[1].Value;
        await host.Client.WaitForInstanceCompletionAsync(id, cancellation: TestContext.Current.CancellationToken);

        Assert.StartsWith("HTTP/1.1 202", response, StringComparison.Ordinal);
        var mine = spans.Where(s => (string?)s.GetTagItem("opsfunctions.instance_id") == id).ToList();
        Assert.Single(mine, s => s.DisplayName == "activity SampleStep");
        Assert.Contains(mine, s => s.DisplayName == "orchestration SampleWorkflow");
        Assert.All(mine, s => Assert.Equal(traceId, s.TraceId));
    }

    [Fact]
    public async Task Webhook_WithTraceparent_NotificationsTheActivitiesSendCarryTheCallersTrace()
    {
        await using var incidents = await IncidentHost.StartAsync();
        var traceId = ActivityTraceId.CreateRandom();

        var response = await PostRawAsync(
            incidents.Host.BaseAddress,
            "/api/incidents",
            "{\"title\":\"Checkout down\",\"service\":\"checkout\",\"severity\":\"critical\",\"actor\":\"carol\"}",
            $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        var slack = await incidents.WaitForRequestAsync("/slack/incidents-critical", "Checkout down");
        var pagerDuty = await incidents.WaitForRequestAsync("/pagerduty/v2/enqueue", "trigger");

        Assert.StartsWith("HTTP/1.1 202", response, StringComparison.Ordinal);
        Assert.All([slack, pagerDuty], request => Assert.Equal(traceId.ToString(), request.Headers["traceparent"].Split('-')[1]));
    }

    [Fact]
    public async Task ApprovalRequest_Traced_ShowsTheRouteNotTheToken()
    {
        var requests = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = requests.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await RunningHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        const string Token = "eyJpIjoic2VjcmV0In0.c2lnbmF0dXJl";

        using var response = await host.Http.GetAsync($"/api/approvals/{Token}", TestContext.Current.CancellationToken);

        // The listener hears every host in this process: tests running alongside redeem approval links too.
        var approvals = requests.Where(r => r.GetTagItem("url.path") is string path && path.StartsWith("/api/approvals", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(approvals);
        Assert.All(approvals, request => Assert.Equal("/api/approvals/{token}", request.GetTagItem("url.path")));
        Assert.DoesNotContain(requests.SelectMany(r => r.TagObjects), t => t.Value?.ToString()?.Contains(Token, StringComparison.Ordinal) == true);
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
