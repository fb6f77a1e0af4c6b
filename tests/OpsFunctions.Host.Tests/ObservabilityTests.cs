using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Host.Tests;

public sealed class ObservabilityTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_AfterACompletedOrchestration_CountsItByName()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var id = await host.StartSampleAsync(new { message = "m" });
        await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Cancellation);

        using var response = await host.Http.GetAsync("/metrics", Cancellation);
        var text = await response.Content.ReadAsStringAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE opsfunctions_orchestrations_completed_total counter", text, StringComparison.Ordinal);
        AssertLine(text, "opsfunctions_orchestrations_started_total{name=\"SampleWorkflow\"} 1\n");
        AssertLine(text, "opsfunctions_orchestrations_completed_total{name=\"SampleWorkflow\"} 1\n");
        AssertLine(text, "opsfunctions_activity_duration_seconds_count{name=\"SampleStep\",outcome=\"completed\"} 1\n");
        AssertLine(text, "opsfunctions_activity_duration_seconds_bucket{name=\"SampleStep\",outcome=\"completed\",le=\"+Inf\"} 1\n");
    }

    [Fact]
    public async Task Metrics_WebhookRequests_CountedByRoutePatternAndStatus()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        using (await host.Http.PostAsync("/api/trigger", RunningHost.Json("{}"), Cancellation))
        {
        }

        using (await host.Http.PostAsync("/api/approvals/secret-looking-token", null, Cancellation))
        {
        }

        var text = await host.Http.GetStringAsync("/metrics", Cancellation);

        AssertLine(text, "opsfunctions_webhook_requests_total{route=\"/api/trigger\",status=\"401\"} 1\n");
        AssertLine(text, "opsfunctions_webhook_requests_total{route=\"/api/approvals/{token}\",status=\"404\"} 1\n");
        Assert.DoesNotContain("secret-looking-token", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_InstanceWaitingOnATimer_ReportsPendingWorkAndTimers()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        await host.Client.ScheduleNewOrchestrationInstanceAsync(
            "SampleWorkflow", null, new StartOrchestrationOptions("later", TimeProvider.System.GetUtcNow().AddHours(1)), Cancellation);

        var text = await host.Http.GetStringAsync("/metrics", Cancellation);

        Assert.Contains("# TYPE opsfunctions_pending_timers gauge", text, StringComparison.Ordinal);
        AssertLine(text, "opsfunctions_pending_timers 1\n");
        AssertLine(text, "opsfunctions_pending_activities 0\n");
        AssertLine(text, "opsfunctions_pending_orchestration_messages 0\n");
    }

    [Fact]
    public async Task Healthz_And_Readyz_AnswerHealthyWhenTheStoreAnswers()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var health = await host.Http.GetAsync("/healthz", Cancellation);
        using var ready = await host.Http.GetAsync("/readyz", Cancellation);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task Readyz_StoreNotAnswering_Answers503WhileHealthzStays200()
    {
        await using var host = await RunningHost.StartAsync(
            services: services => services.Decorate(store => new FaultyStore(store) { FailQueries = true }),
            cancellationToken: Cancellation);

        using var health = await host.Http.GetAsync("/healthz", Cancellation);
        using var ready = await host.Http.GetAsync("/readyz", Cancellation);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    private static void AssertLine(string text, string line) => Assert.Contains(line, text, StringComparison.Ordinal);
}
