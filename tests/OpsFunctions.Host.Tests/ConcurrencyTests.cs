using System.Net;
using OpsFunctions.Durable.Client;

namespace OpsFunctions.Host.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Webhooks_ManyAtOnceWithRedeliveries_StartEachDeliveryExactlyOnce()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        const int Deliveries = 150;

        // Every delivery is sent twice, the copies racing each other.
        var sends = Enumerable.Range(0, Deliveries * 2).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/trigger")
            {
                Content = RunningHost.Json($"{{\"service\":\"s\",\"version\":\"{i % Deliveries}\"}}"),
            };
            request.Headers.Add("x-functions-key", RunningHost.FunctionKey);
            request.Headers.Add("Idempotency-Key", $"delivery-{i % Deliveries}");
            using var response = await host.Http.SendAsync(request, TestContext.Current.CancellationToken);
            return response.StatusCode;
        });
        var statuses = await Task.WhenAll(sends);

        Assert.Equal(Deliveries, statuses.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(Deliveries, statuses.Count(s => s == HttpStatusCode.OK));
        var started = await host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "trigger-" }).CountAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Deliveries, started);
    }
}
