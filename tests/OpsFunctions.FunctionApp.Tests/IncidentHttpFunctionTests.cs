using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.FunctionApp.Incidents;
using OpsFunctions.Operations.Incidents;
using OpsFunctions.Testing.Alerting;
using OpsFunctions.Testing.Incidents;

namespace OpsFunctions.FunctionApp.Tests;

/// <summary>
/// The HTTP functions as the Functions host calls them: a request, a Durable client from the binding (mocked, as
/// Durable Functions users test), the answer, and what was scheduled or raised.
/// </summary>
public sealed class IncidentHttpFunctionTests : IAsyncDisposable
{
    private const string BearerToken = "alertmanager-token-0123456789";
    private const string IncidentId = "inc-manual-42";

    private readonly ServiceProvider _services = new ServiceCollection()
        .AddLogging()
        .AddSingleton<IIncidentStore, InMemoryIncidentStore>()
        .AddFunctionAppServices(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Alertmanager:BearerToken"] = BearerToken })
            .Build())
        .BuildServiceProvider();

    private readonly Mock<DurableTaskClient> _client = new("test") { CallBase = true };

    public IncidentHttpFunctionTests()
    {
        _client.Setup(c => c.GetAllInstancesAsync(It.IsAny<OrchestrationQuery?>()))
            .Returns(Pageable.Create((string? _, int? _, CancellationToken _) => Task.FromResult(new Page<OrchestrationMetadata>([], null))));
        _client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TaskName _, object? _, StartOrchestrationOptions? options, CancellationToken _) => options?.InstanceId ?? "generated");
    }

    [Fact]
    public async Task Alertmanager_WithTheBearerToken_StartsTheGroupsIncident()
    {
        var request = Request("POST", AlertmanagerPayloads.Group("{}:{alertname=\"HighErrorRate\"}").ToJsonString(), $"Bearer {BearerToken}");

        var (status, value) = HttpFunctionCalls.Outcome(await IncidentHttpFunctions.Alertmanager(request, _client.Object));

        Assert.Equal(StatusCodes.Status202Accepted, status);
        var accepted = Assert.IsType<IncidentAccepted>(value);
        Assert.Equal(IncidentEndpoints.Opened, accepted.Outcome);
        _client.Verify(
            c => c.ScheduleNewOrchestrationInstanceAsync(
                nameof(IncidentOrchestrator),
                It.Is<object?>(input => input is IncidentRequest && ((IncidentRequest)input).GroupKey == "{}:{alertname=\"HighErrorRate\"}"),
                It.Is<StartOrchestrationOptions?>(o => o!.InstanceId == accepted.Id),
                It.IsAny<CancellationToken>()),
            Times.Once);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-the-token")]
    public async Task Alertmanager_WithoutTheBearerToken_Answers401AndStartsNothing(string? authorization)
    {
        var request = Request("POST", AlertmanagerPayloads.Group("{}:{alertname=\"HighErrorRate\"}").ToJsonString(), authorization);

        var (status, value) = HttpFunctionCalls.Outcome(await IncidentHttpFunctions.Alertmanager(request, _client.Object));

        Assert.Equal(StatusCodes.Status401Unauthorized, status);
        Assert.Contains("Alertmanager:BearerToken", Assert.IsType<ProblemDetails>(value).Detail, StringComparison.Ordinal);
        _client.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData("{\"version\":\"4\",", "body")]
    [InlineData("{\"version\":\"4\",\"status\":\"firing\",\"receiver\":\"ops\",\"alerts\":[]}", "groupKey")]
    public async Task Alertmanager_BadPayload_Answers400NamingWhatIsWrong(string body, string named)
    {
        var request = Request("POST", body, $"Bearer {BearerToken}");

        var (status, value) = HttpFunctionCalls.Outcome(await IncidentHttpFunctions.Alertmanager(request, _client.Object));

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Contains(named, HttpFunctionCalls.ErrorFields(value));
        _client.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Open_ValidRequest_SchedulesTheIncidentOrchestrator()
    {
        var request = Request("POST", """{"title":"Checkout slow","service":"checkout","severity":"high","actor":"dana"}""");

        var (status, value) = HttpFunctionCalls.Outcome(await IncidentHttpFunctions.Open(request, _client.Object));

        Assert.Equal(StatusCodes.Status202Accepted, status);
        var id = Assert.IsType<IncidentAccepted>(value).Id;
        Assert.StartsWith(IncidentIds.Prefix + "manual-", id, StringComparison.Ordinal);
        _client.Verify(
            c => c.ScheduleNewOrchestrationInstanceAsync(
                nameof(IncidentOrchestrator),
                It.Is<object?>(input => input is IncidentRequest && ((IncidentRequest)input).Title == "Checkout slow" && ((IncidentRequest)input).OpenedBy == "dana"),
                It.Is<StartOrchestrationOptions?>(o => o!.InstanceId == id),
                It.IsAny<CancellationToken>()),
            Times.Once);
    }

    [Fact]
    public async Task Open_WithoutATitle_Answers400NamingIt()
    {
        var request = Request("POST", """{"service":"checkout","actor":"dana"}""");

        var (status, value) = HttpFunctionCalls.Outcome(await IncidentHttpFunctions.Open(request, _client.Object));

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Contains("title", HttpFunctionCalls.ErrorFields(value));
    }

    [Fact]
    public async Task Acknowledge_RunningIncident_RaisesAcknowledgedNamingTheActor()
    {
        Instance(OrchestrationRuntimeStatus.Running);
        var request = Request("POST", """{"actor":"alice","note":"looking"}""");

        var (status, value) = HttpFunctionCalls.Outcome(await IncidentHttpFunctions.Acknowledge(request, IncidentId, _client.Object));

        Assert.Equal(StatusCodes.Status202Accepted, status);
        Assert.Equal(new IncidentActionAccepted(IncidentId, IncidentEvents.Acknowledged, "alice"), value);
        _client.Verify(
            c => c.RaiseEventAsync(IncidentId, IncidentEvents.Acknowledged, new IncidentAction("alice", "looking"), It.IsAny<CancellationToken>()),
            Times.Once);
    }

    [Fact]
    public async Task Resolve_EndedIncident_Answers409AndRaisesNothing()
    {
        Instance(OrchestrationRuntimeStatus.Completed);

        var (status, _) = HttpFunctionCalls.Outcome(await IncidentHttpFunctions.Resolve(Request("POST", """{"actor":"bob"}"""), IncidentId, _client.Object));

        Assert.Equal(StatusCodes.Status409Conflict, status);
        _client.Verify(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Resolve_UnknownIncident_Answers404()
    {
        var (status, value) = HttpFunctionCalls.Outcome(await IncidentHttpFunctions.Resolve(Request("POST", """{"actor":"bob"}"""), "inc-nobody", _client.Object));

        Assert.Equal(StatusCodes.Status404NotFound, status);
        Assert.Contains("inc-nobody", Assert.IsType<ProblemDetails>(value).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnknownIncident_Answers404()
    {
        var (status, _) = HttpFunctionCalls.Outcome(await IncidentHttpFunctions.Get(Request("GET", null), "inc-nobody"));

        Assert.Equal(StatusCodes.Status404NotFound, status);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private void Instance(OrchestrationRuntimeStatus status)
        => _client.Setup(c => c.GetInstanceAsync(IncidentId, It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new OrchestrationMetadata(nameof(IncidentOrchestrator), IncidentId) { RuntimeStatus = status });

    private HttpRequest Request(string method, string? body, string? authorization = null)
        => HttpFunctionCalls.Request(_services, method, body, authorization is null ? [] : [("Authorization", authorization)]);
}
