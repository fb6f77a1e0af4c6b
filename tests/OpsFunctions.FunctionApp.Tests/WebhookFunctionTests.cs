using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.FunctionApp.Triggers;
using OpsFunctions.Operations.Durability;
using OpsFunctions.Operations.Samples;
using OpsFunctions.Operations.Triggers;

namespace OpsFunctions.FunctionApp.Tests;

/// <summary>The generic triggers as HTTP functions: GitHub's signed deliveries and the deployment webhook.</summary>
public sealed class WebhookFunctionTests : IAsyncDisposable
{
    private const string Secret = "github-webhook-secret-0123456789";
    private const string Push = """{"ref":"refs/heads/main","repository":{"full_name":"acme/shop"}}""";

    private readonly ServiceProvider _services = new ServiceCollection()
        .AddLogging()
        .AddFunctionAppServices(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["GitHub:WebhookSecret"] = Secret })
            .Build())
        .BuildServiceProvider();

    private readonly Mock<DurableTaskClient> _client = new("test") { CallBase = true };

    public WebhookFunctionTests()
        => _client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TaskName _, object? _, StartOrchestrationOptions? options, CancellationToken _) => options!.InstanceId!);

    [Fact]
    public async Task GitHub_SignedPush_ClaimsTheDeliveryAndStartsTheConfiguredOrchestrator()
    {
        var request = GitHubRequest(Push, "push", "delivery-1", Sign(Push, Secret));

        var (status, value) = HttpFunctionCalls.Outcome(await WebhookFunctions.GitHub(request, _client.Object));

        Assert.Equal(StatusCodes.Status202Accepted, status);
        var accepted = Assert.IsType<WebhookAccepted>(value);
        Assert.StartsWith("github-", accepted.Id, StringComparison.Ordinal);
        _client.Verify(
            c => c.ScheduleNewOrchestrationInstanceAsync(nameof(OnceMarker), It.IsAny<object?>(), It.Is<StartOrchestrationOptions?>(o => o!.InstanceId == OnceGate.MarkerId("delivery-github", "delivery-1")), It.IsAny<CancellationToken>()),
            Times.Once);
        _client.Verify(
            c => c.ScheduleNewOrchestrationInstanceAsync(nameof(SampleWorkflow), It.IsAny<object?>(), It.Is<StartOrchestrationOptions?>(o => o!.InstanceId == accepted.Id), It.IsAny<CancellationToken>()),
            Times.Once);
    }

    [Fact]
    public async Task GitHub_SignatureOfAnotherSecret_Answers403AndStartsNothing()
    {
        var request = GitHubRequest(Push, "push", "delivery-2", Sign(Push, "another-secret-0123456789"));

        var (status, value) = HttpFunctionCalls.Outcome(await WebhookFunctions.GitHub(request, _client.Object));

        Assert.Equal(StatusCodes.Status403Forbidden, status);
        Assert.Contains("X-Hub-Signature-256", Assert.IsType<ProblemDetails>(value).Detail, StringComparison.Ordinal);
        _client.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task GitHub_Ping_Answers200AndStartsNothing()
    {
        const string Ping = """{"zen":"Keep it logically awesome.","hook_id":1}""";

        var (status, _) = HttpFunctionCalls.Outcome(await WebhookFunctions.GitHub(GitHubRequest(Ping, "ping", "delivery-3", Sign(Ping, Secret)), _client.Object));

        Assert.Equal(StatusCodes.Status200OK, status);
        _client.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Trigger_WithABodyThatIsNotAnObject_Answers400NamingTheBody()
    {
        var request = HttpFunctionCalls.Request(_services, "POST", """["checkout"]""", []);

        var (status, value) = HttpFunctionCalls.Outcome(await WebhookFunctions.Trigger(request, _client.Object));

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Contains("body", HttpFunctionCalls.ErrorFields(value));
    }

    [Fact]
    public async Task Trigger_JsonObject_StartsTheConfiguredOrchestrator()
    {
        var request = HttpFunctionCalls.Request(_services, "POST", """{"service":"checkout","version":"v42"}""", []);

        var (status, value) = HttpFunctionCalls.Outcome(await WebhookFunctions.Trigger(request, _client.Object));

        Assert.Equal(StatusCodes.Status202Accepted, status);
        var id = Assert.IsType<WebhookAccepted>(value).Id;
        _client.Verify(
            c => c.ScheduleNewOrchestrationInstanceAsync(nameof(SampleWorkflow), It.IsAny<object?>(), It.Is<StartOrchestrationOptions?>(o => o!.InstanceId == id), It.IsAny<CancellationToken>()),
            Times.Once);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private static string Sign(string body, string secret)
        => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    private HttpRequest GitHubRequest(string body, string gitHubEvent, string delivery, string signature)
        => HttpFunctionCalls.Request(
            _services,
            "POST",
            body,
            [(WebhookEndpoints.SignatureHeader, signature), (WebhookEndpoints.GitHubEventHeader, gitHubEvent), (WebhookEndpoints.GitHubDeliveryHeader, delivery)]);
}
