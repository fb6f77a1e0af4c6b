using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.FunctionApp.Approvals;
using OpsFunctions.Operations.Approvals;
using OpsFunctions.Operations.Durability;

namespace OpsFunctions.FunctionApp.Tests;

/// <summary>Approval links on Azure Functions: signed with the app's key, shown without acting, redeemed once.</summary>
public sealed class ApprovalFunctionTests
{
    private const string InstanceId = "wf-approve-1";

    private readonly Mock<DurableTaskClient> _client = new("test") { CallBase = true };

    public ApprovalFunctionTests()
    {
        _client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TaskName _, object? _, StartOrchestrationOptions? options, CancellationToken _) => options!.InstanceId!);
        _client.Setup(c => c.GetInstanceAsync(InstanceId, It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new OrchestrationMetadata("SampleWorkflow", InstanceId) { RuntimeStatus = OrchestrationRuntimeStatus.Running });
    }

    [Fact]
    public async Task Show_WithoutASigningKey_Answers503NamingTheSetting()
    {
        await using var services = Services(signingKey: null);

        var (status, value) = HttpFunctionCalls.Outcome(await ApprovalFunctions.Show(Request(services, "GET"), "any.token", _client.Object));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.Contains(FunctionAppApprovals.SigningKeySetting, Assert.IsType<ProblemDetails>(value).Detail, StringComparison.Ordinal);
        Assert.Null(services.GetService<IActionLinks>());
    }

    [Fact]
    public async Task Show_ValidLink_ShowsTheConfirmationAndRaisesNothing()
    {
        await using var services = Services("app-signing-key-0123456789");
        var token = services.GetRequiredService<ApprovalTokens>().Issue(InstanceId, "Approval", "approve", "alice", TimeSpan.FromHours(1));

        var result = await ApprovalFunctions.Show(Request(services, "GET"), token, _client.Object);

        var page = Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult>(result);
        Assert.Equal(StatusCodes.Status200OK, page.StatusCode ?? StatusCodes.Status200OK);
        Assert.Contains(InstanceId, page.ResponseContent, StringComparison.Ordinal);
        _client.Verify(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Redeem_ValidLink_ClaimsItOnceAndRaisesTheDecision()
    {
        await using var services = Services("app-signing-key-0123456789");
        var token = services.GetRequiredService<ApprovalTokens>().Issue(InstanceId, "Approval", "approve", "alice", TimeSpan.FromHours(1));

        var (status, _) = HttpFunctionCalls.Outcome(await ApprovalFunctions.Redeem(Request(services, "POST", json: true), token, _client.Object));

        Assert.Equal(StatusCodes.Status200OK, status);
        _client.Verify(
            c => c.ScheduleNewOrchestrationInstanceAsync(nameof(OnceMarker), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()),
            Times.Once);
        _client.Verify(
            c => c.RaiseEventAsync(InstanceId, "Approval", It.Is<object?>(p => p!.ToString()!.Contains("actor = alice", StringComparison.Ordinal)), It.IsAny<CancellationToken>()),
            Times.Once);
    }

    [Fact]
    public async Task Redeem_LinkSignedWithAnotherKey_Answers403AndRaisesNothing()
    {
        await using var services = Services("app-signing-key-0123456789");
        await using var elsewhere = Services("another-apps-key-0123456789");
        var token = elsewhere.GetRequiredService<ApprovalTokens>().Issue(InstanceId, "Approval", "approve", null, TimeSpan.FromHours(1));

        var (status, _) = HttpFunctionCalls.Outcome(await ApprovalFunctions.Redeem(Request(services, "POST", json: true), token, _client.Object));

        Assert.Equal(StatusCodes.Status403Forbidden, status);
        _client.Verify(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData("opsfunctions-prod.azurewebsites.net", "https://opsfunctions-prod.azurewebsites.net/api/approvals/")]
    [InlineData("localhost:7071", "http://localhost:7071/api/approvals/")]
    [InlineData(null, "http://localhost:7071/api/approvals/")]
    public async Task ActionLinks_PointAtTheAppsAddress(string? hostName, string expectedPrefix)
    {
        await using var services = Services("app-signing-key-0123456789", hostName);

        var link = await services.GetRequiredService<IActionLinks>().CreateAsync("inc-1", "acknowledged", "acknowledge", null, CancellationToken.None);

        Assert.StartsWith(expectedPrefix, link.AbsoluteUri, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(string? signingKey, string? hostName = null)
        => new ServiceCollection()
            .AddLogging()
            .AddFunctionAppServices(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    [FunctionAppApprovals.SigningKeySetting] = signingKey,
                    ["WEBSITE_HOSTNAME"] = hostName,
                })
                .Build())
            .BuildServiceProvider();

    private static HttpRequest Request(IServiceProvider services, string method, bool json = false)
        => HttpFunctionCalls.Request(services, method, null, json ? [("Accept", "application/json")] : []);
}
