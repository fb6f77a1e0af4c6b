using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace OpsFunctions.Host.Tests;

public sealed class ManagementApiTests
{
    private const string Api = "/runtime/webhooks/durabletask";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_SampleOrchestration_Answers202WithLocationAndManagementUris()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Admin.PostAsJsonAsync($"{Api}/orchestrators/SampleWorkflow/start-1", new { message = "hi" }, Cancellation);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!;
        Assert.Equal("start-1", body["id"]!.GetValue<string>());
        var status = body["statusQueryGetUri"]!.GetValue<string>();
        Assert.Equal(status, response.Headers.Location!.ToString());
        Assert.StartsWith($"{host.BaseAddress.ToString().TrimEnd('/')}{Api}/instances/start-1?taskHub=ops", status, StringComparison.Ordinal);
        Assert.Contains("/instances/start-1/raiseEvent/{eventName}?", body["sendEventPostUri"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("/instances/start-1/terminate?reason={text}", body["terminatePostUri"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("/instances/start-1/suspend?reason={text}", body["suspendPostUri"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("/instances/start-1/resume?reason={text}", body["resumePostUri"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(status, body["purgeHistoryDeleteUri"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetStatus_PollingLocationUntilDone_Answers202WhileRunningThen200WithOutput()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        using var start = await host.Admin.PostAsJsonAsync($"{Api}/orchestrators/SampleWorkflow", new { message = "poll", waitForApproval = true }, Cancellation);
        var location = start.Headers.Location!;
        var id = (await start.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["id"]!.GetValue<string>();
        await host.Client.WaitForInstanceStartAsync(id, cancellation: Cancellation);

        using var running = await host.Admin.GetAsync(location, Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
        Assert.Equal(location, running.Headers.Location);
        var runningBody = (await running.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!;
        Assert.Equal("Running", runningBody["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("poll", runningBody["input"]!["message"]!.GetValue<string>());

        using var raise = await host.Admin.PostAsync($"{Api}/instances/{id}/raiseEvent/Approval", RunningHost.Json("{\"ok\":true}"), Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, raise.StatusCode);
        var done = await PollUntilDoneAsync(host, location);

        Assert.Equal("Completed", done["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("done: poll; approval: {\"ok\":true}", done["output"]!.GetValue<string>());
        Assert.Equal("SampleWorkflow", done["name"]!.GetValue<string>());
        Assert.NotNull(done["createdTime"]);
        Assert.NotNull(done["lastUpdatedTime"]);
    }

    [Fact]
    public async Task GetStatus_ShowHistory_ListsEventsWithActivityNames()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var id = await host.StartSampleAsync();
        await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Cancellation);

        var body = (await host.Admin.GetFromJsonAsync<JsonObject>($"{Api}/instances/{id}?showHistory=true&showHistoryOutput=true", Cancellation))!;

        var events = body["historyEvents"]!.AsArray().Select(e => e!["EventType"]!.GetValue<string>()).ToList();
        Assert.Equal(["ExecutionStarted", "TaskScheduled", "TaskCompleted", "ExecutionCompleted"], events);
        var completed = body["historyEvents"]!.AsArray()[2]!;
        Assert.Equal("SampleStep", completed["FunctionName"]!.GetValue<string>());
        Assert.Equal("done: hello", completed["Result"]!.GetValue<string>());
    }

    [Fact]
    public async Task Terminate_RunningInstance_EndsTerminatedAndLaterControlAnswers410()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var id = await host.StartSampleAsync(new { waitForApproval = true });
        await host.Client.WaitForInstanceStartAsync(id, cancellation: Cancellation);

        using var terminate = await host.Admin.PostAsync($"{Api}/instances/{id}/terminate?reason=stop", null, Cancellation);
        var ended = await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Cancellation);
        using var again = await host.Admin.PostAsync($"{Api}/instances/{id}/raiseEvent/Approval", RunningHost.Json("{}"), Cancellation);

        Assert.Equal(HttpStatusCode.Accepted, terminate.StatusCode);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, ended.RuntimeStatus);
        await Problem.AssertAsync(again, HttpStatusCode.Gone);
    }

    [Fact]
    public async Task SuspendResume_WaitingInstance_ChangesStatusBothWays()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var id = await host.StartSampleAsync(new { waitForApproval = true });
        await host.Client.WaitForInstanceStartAsync(id, cancellation: Cancellation);

        using var suspend = await host.Admin.PostAsync($"{Api}/instances/{id}/suspend?reason=hold", null, Cancellation);
        var suspended = await WaitForStatusAsync(host, id, "Suspended");
        using var resume = await host.Admin.PostAsync($"{Api}/instances/{id}/resume?reason=go", null, Cancellation);
        var resumed = await WaitForStatusAsync(host, id, "Running");

        Assert.Equal(HttpStatusCode.Accepted, suspend.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, resume.StatusCode);
        Assert.Equal("Suspended", suspended);
        Assert.Equal("Running", resumed);
    }

    [Fact]
    public async Task Purge_CompletedInstance_DeletesItAndStatusAnswers404()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var id = await host.StartSampleAsync();
        await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Cancellation);

        using var purge = await host.Admin.DeleteAsync($"{Api}/instances/{id}", Cancellation);
        using var status = await host.Admin.GetAsync($"{Api}/instances/{id}", Cancellation);
        using var purgeAgain = await host.Admin.DeleteAsync($"{Api}/instances/{id}", Cancellation);

        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        Assert.Equal(1, (await purge.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["instancesDeleted"]!.GetValue<int>());
        await Problem.AssertAsync(status, HttpStatusCode.NotFound);
        await Problem.AssertAsync(purgeAgain, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Purge_RunningInstance_Answers409()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var id = await host.StartSampleAsync(new { waitForApproval = true });
        await host.Client.WaitForInstanceStartAsync(id, cancellation: Cancellation);

        using var purge = await host.Admin.DeleteAsync($"{Api}/instances/{id}", Cancellation);

        await Problem.AssertAsync(purge, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task PurgeMany_CreatedTimeRange_DeletesEndedInstances()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var ids = new[] { await host.StartSampleAsync(), await host.StartSampleAsync() };
        foreach (var id in ids)
        {
            await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Cancellation);
        }

        using var purge = await host.Admin.DeleteAsync($"{Api}/instances?createdTimeFrom=2000-01-01T00:00:00Z&runtimeStatus=Completed", Cancellation);

        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        Assert.Equal(2, (await purge.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["instancesDeleted"]!.GetValue<int>());
        Assert.Null(await host.Client.GetInstanceAsync(ids[0], cancellation: Cancellation));
    }

    [Fact]
    public async Task List_TopWithContinuationHeader_PagesThroughEveryMatch()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        for (var i = 0; i < 5; i++)
        {
            await host.StartSampleAsync(instanceId: $"page-{i}");
        }

        await host.StartSampleAsync(instanceId: "other-1");
        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{Api}/instances?instanceIdPrefix=page-&top=2");
            if (continuation is not null)
            {
                request.Headers.Add("x-ms-continuation-token", continuation);
            }

            using var response = await host.Admin.SendAsync(request, Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = (await response.Content.ReadFromJsonAsync<JsonArray>(Cancellation))!;
            Assert.True(page.Count <= 2);
            seen.AddRange(page.Select(p => p!["instanceId"]!.GetValue<string>()));
            continuation = response.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.Single() : null;
            pages++;
        }
        while (continuation is not null);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"page-{i}").Order(), seen.Order());
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task List_RuntimeStatusAndCreatedTimeFilters_ReturnOnlyMatches()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var done = await host.StartSampleAsync(instanceId: "filter-done");
        await host.Client.WaitForInstanceCompletionAsync(done, cancellation: Cancellation);
        var waiting = await host.StartSampleAsync(new { waitForApproval = true }, "filter-waiting");
        await host.Client.WaitForInstanceStartAsync(waiting, cancellation: Cancellation);

        var running = (await host.Admin.GetFromJsonAsync<JsonArray>($"{Api}/instances?instanceIdPrefix=filter-&runtimeStatus=Running,Pending", Cancellation))!;
        var future = (await host.Admin.GetFromJsonAsync<JsonArray>($"{Api}/instances?instanceIdPrefix=filter-&createdTimeFrom=2999-01-01T00:00:00Z", Cancellation))!;
        var past = (await host.Admin.GetFromJsonAsync<JsonArray>($"{Api}/instances?instanceIdPrefix=filter-&createdTimeTo=2000-01-01T00:00:00Z", Cancellation))!;

        Assert.Equal("filter-waiting", Assert.Single(running)!["instanceId"]!.GetValue<string>());
        Assert.Empty(future);
        Assert.Empty(past);
    }

    [Theory]
    [InlineData("runtimeStatus=Sleeping", "runtimeStatus")]
    [InlineData("createdTimeFrom=yesterday", "createdTimeFrom")]
    [InlineData("createdTimeTo=2020-13-45", "createdTimeTo")]
    [InlineData("top=0", "top")]
    [InlineData("taskHub=otherhub", "taskHub")]
    public async Task List_BadQuery_Answers400NamingTheField(string query, string field)
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Admin.GetAsync($"{Api}/instances?{query}", Cancellation);

        await Problem.AssertNamesFieldAsync(response, field);
    }

    [Fact]
    public async Task PurgeMany_WithoutCreatedTimeFrom_Answers400NamingIt()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Admin.DeleteAsync($"{Api}/instances?runtimeStatus=Completed", Cancellation);

        await Problem.AssertNamesFieldAsync(response, "createdTimeFrom");
    }

    [Theory]
    [InlineData("GET", "/instances/nope")]
    [InlineData("POST", "/instances/nope/raiseEvent/Approval")]
    [InlineData("POST", "/instances/nope/terminate")]
    [InlineData("POST", "/instances/nope/suspend")]
    [InlineData("POST", "/instances/nope/resume")]
    [InlineData("DELETE", "/instances/nope")]
    [InlineData("POST", "/orchestrators/NoSuchOrchestrator")]
    public async Task UnknownInstanceOrOrchestrator_Answers404(string method, string path)
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), Api + path), Cancellation);

        await Problem.AssertAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("GET", "/runtime/webhooks/durabletask/nothing-here", HttpStatusCode.NotFound)]
    [InlineData("PUT", "/runtime/webhooks/durabletask/instances/x", HttpStatusCode.MethodNotAllowed)]
    public async Task UnmappedRouteOrMethod_AnswersProblemDetails(string method, string path, HttpStatusCode status)
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Cancellation);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Start_ExistingRunningInstanceId_Answers409()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        await host.StartSampleAsync(new { waitForApproval = true }, "twice");

        using var response = await host.Admin.PostAsJsonAsync($"{Api}/orchestrators/SampleWorkflow/twice", new { }, Cancellation);

        await Problem.AssertAsync(response, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Start_InputNotJson_Answers415()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Admin.PostAsync($"{Api}/orchestrators/SampleWorkflow", RunningHost.Json("message=hi", "application/x-www-form-urlencoded"), Cancellation);

        await Problem.AssertAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData(null, "no key")]
    [InlineData(RunningHost.FunctionKey, "the function key")]
    [InlineData("wrong", "a wrong key")]
    public async Task ManagementApi_WithoutAdminKey_Answers401(string? key, string because)
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Api}/instances");
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        using var response = await host.Http.SendAsync(request, Cancellation);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, because);
        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ManagementApi_AdminKeyInCodeQuery_IsAccepted()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Http.GetAsync($"{Api}/instances?code={RunningHost.AdminKey}", Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<JsonObject> PollUntilDoneAsync(RunningHost host, Uri location)
        => Eventually.ReturnsAsync(
            async () =>
            {
                using var response = await host.Admin.GetAsync(location, Cancellation);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation);
                }

                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                return null;
            },
            $"the end of the instance at {location}");

    private static async Task<string> WaitForStatusAsync(RunningHost host, string id, string status)
    {
        await Eventually.HappensAsync(
            async () => (await host.Admin.GetFromJsonAsync<JsonObject>($"{Api}/instances/{id}", Cancellation))!["runtimeStatus"]!.GetValue<string>() == status,
            $"'{id}' to be {status}");
        return status;
    }
}
