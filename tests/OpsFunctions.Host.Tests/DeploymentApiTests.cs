using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OpsFunctions.Testing;
using OpsFunctions.Testing.Http;

namespace OpsFunctions.Host.Tests;

/// <summary>
/// The deployment routes on a running host, the service's traffic going through the HTTP provider to a loopback
/// receiver: start, bad input, commands, retry, freezes, listing.
/// </summary>
public sealed class DeploymentApiTests : IAsyncLifetime
{
    private LoopbackReceiver _traffic = null!;
    private RunningHost _host = null!;
    private HttpClient _api = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _traffic = await LoopbackReceiver.StartAsync();
        var settings = RunningHost.DefaultSettings();
        settings["Deployments:Services:checkout:Traffic:Provider"] = "Http";
        settings["Deployments:Services:checkout:Traffic:WebhookUrl"] = _traffic.Url("weights").ToString();
        settings["Deployments:Services:checkout:Stable:0"] = "10.0.0.1:8080";
        settings["Deployments:Services:checkout:Canary:0"] = "10.0.0.2:8080";
        _host = await RunningHost.StartAsync(settings);
        _api = new HttpClient { BaseAddress = _host.BaseAddress };
        _api.DefaultRequestHeaders.Add("x-functions-key", RunningHost.FunctionKey);
    }

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        await _host.DisposeAsync();
        await _traffic.DisposeAsync();
    }

    private static object Rollout(string version = "2.0.0") => new
    {
        service = "checkout",
        version,
        actor = "carol",
        steps = new object[] { new { setWeight = 10 }, new { pause = new { } }, new { setWeight = 100 } },
    };

    private async Task<string> StartAsync(object? body = null)
    {
        using var response = await _api.PostAsJsonAsync("/api/deployments", body ?? Rollout(), Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = (await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!;
        var id = accepted["id"]!.GetValue<string>();
        Assert.Equal($"/api/deployments/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("rollout-checkout", accepted["instanceId"]!.GetValue<string>());
        return id;
    }

    private async Task<JsonObject> DeploymentAsync(string id, string state)
    {
        JsonObject? deployment = null;
        await Eventually.HappensAsync(
            async () =>
            {
                using var response = await _api.GetAsync($"/api/deployments/{id}", Cancellation);
                deployment = response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["deployment"]!.AsObject() : null;
                return deployment?["state"]?.GetValue<string>() == state;
            },
            $"deployment {id} {state}");
        return deployment!;
    }

    /// <summary>The canary's weight in each change the provider posted, in order.</summary>
    private List<int> CanaryWeights() => [.. _traffic.Requests
        .Where(r => r.Path == "/weights")
        .Select(r => r.Json["backends"]!.AsArray().Single(b => b!["address"]!.GetValue<string>() == "10.0.0.2:8080")!["weight"]!.GetValue<int>())];

    [Fact]
    public async Task Start_PausesUntilPromoted_ThenPromoteFinishesIt()
    {
        var id = await StartAsync();
        var paused = await DeploymentAsync(id, "Paused");
        Assert.Equal(10, paused["weight"]!.GetValue<int>());

        using var promote = await _api.PostAsJsonAsync($"/api/deployments/{id}/promote", new { actor = "alice", note = "dashboards look fine" }, Cancellation);

        Assert.Equal(HttpStatusCode.Accepted, promote.StatusCode);
        var done = await DeploymentAsync(id, "Succeeded");
        Assert.Equal(100, done["weight"]!.GetValue<int>());
        Assert.Equal([0, 10, 100], CanaryWeights());
        using var details = await _api.GetAsync($"/api/deployments/{id}", Cancellation);
        var timeline = (await details.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["timeline"]!.AsArray();
        Assert.Contains(timeline, e => e!["actor"]!.GetValue<string>() == "alice" && e["text"]!.GetValue<string>() == "promote: dashboards look fine");
    }

    [Fact]
    public async Task Start_WithBadFields_Answers400NamingEach()
    {
        using var response = await _api.PostAsJsonAsync(
            "/api/deployments",
            new { service = "checkout", version = "2.0.0", steps = new object[] { new { setWeight = 120 }, new { pause = new { duration = "soon" } }, new { } } },
            Cancellation);

        var body = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        var errors = body["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("steps[0].setWeight"), body.ToJsonString());
        Assert.True(errors.ContainsKey("steps[1].pause.duration"), body.ToJsonString());
        Assert.True(errors.ContainsKey("steps[2]"), body.ToJsonString());
    }

    [Theory]
    [InlineData("""{"service":"billing","version":"1"}""", "service")]
    [InlineData("""{"service":"checkout"}""", "version")]
    [InlineData("""{"service":"checkout","version":"1","analysis":["no-such-template"]}""", "analysis")]
    [InlineData("""{"service":"checkout","version":"1","strategy":"big-bang"}""", "strategy")]
    [InlineData("""{"service":"checkout","version":"1","steps":[]}""", "steps")]
    [InlineData("""{"service":"checkout","version":"1","steps":"fast"}""", "steps")]
    public async Task Start_WithAWrongField_Answers400NamingIt(string json, string field)
    {
        using var response = await _api.PostAsync("/api/deployments", RunningHost.Json(json), Cancellation);

        await Problem.AssertNamesFieldAsync(response, field);
    }

    [Fact]
    public async Task Start_WithMalformedJsonOrWithoutKey_IsRefused()
    {
        using var malformed = await _api.PostAsync("/api/deployments", RunningHost.Json("{\"service\":"), Cancellation);
        await Problem.AssertAsync(malformed, HttpStatusCode.BadRequest);

        using var text = await _api.PostAsync("/api/deployments", RunningHost.Json("{}", "text/plain"), Cancellation);
        await Problem.AssertAsync(text, HttpStatusCode.UnsupportedMediaType);

        using var anonymous = await _host.Http.PostAsJsonAsync("/api/deployments", Rollout(), Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Empty(_traffic.Requests);
    }

    [Fact]
    public async Task Commands_ForUnknownOrEndedDeployments_Answer404And409()
    {
        using var unknown = await _api.PostAsJsonAsync("/api/deployments/checkout-nope/promote", new { actor = "alice" }, Cancellation);
        await Problem.AssertAsync(unknown, HttpStatusCode.NotFound);

        var id = await StartAsync();
        await DeploymentAsync(id, "Paused");
        using var noActor = await _api.PostAsJsonAsync($"/api/deployments/{id}/abort", new { note = "who?" }, Cancellation);
        await Problem.AssertNamesFieldAsync(noActor, "actor");
        using var abort = await _api.PostAsJsonAsync($"/api/deployments/{id}/abort", new { actor = "alice", note = "wrong build" }, Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, abort.StatusCode);
        var aborted = await DeploymentAsync(id, "Aborted");
        Assert.Equal("aborted by alice: wrong build", aborted["reason"]!.GetValue<string>());

        using var again = await _api.PostAsJsonAsync($"/api/deployments/{id}/promote", new { actor = "alice" }, Cancellation);
        var conflict = await Problem.AssertAsync(again, HttpStatusCode.Conflict);
        Assert.Contains("has ended (Aborted", conflict["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_OfAnAbortedDeployment_RunsItAgainAsANewDeployment()
    {
        var id = await StartAsync();
        await DeploymentAsync(id, "Paused");
        using var abort = await _api.PostAsJsonAsync($"/api/deployments/{id}/abort", new { actor = "alice" }, Cancellation);
        await DeploymentAsync(id, "Aborted");

        using var retry = await _api.PostAsJsonAsync($"/api/deployments/{id}/retry", new { actor = "bob" }, Cancellation);

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var retried = (await retry.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["id"]!.GetValue<string>();
        Assert.NotEqual(id, retried);
        var second = await DeploymentAsync(retried, "Paused");
        Assert.Equal(("2.0.0", "bob"), (second["version"]!.GetValue<string>(), second["startedBy"]!.GetValue<string>()));
        using var retryPaused = await _api.PostAsJsonAsync($"/api/deployments/{retried}/retry", new { actor = "bob" }, Cancellation);
        await Problem.AssertAsync(retryPaused, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Freeze_RefusesRolloutsWith409AndTheReason_UntilUnfrozen()
    {
        using var freeze = await _api.PostAsJsonAsync("/api/deployment-freezes", new { name = "black-friday", services = new[] { "checkout" }, reason = "peak sales", actor = "dana" }, Cancellation);
        Assert.Equal(HttpStatusCode.Created, freeze.StatusCode);

        using var refused = await _api.PostAsJsonAsync("/api/deployments", Rollout(), Cancellation);
        var problem = await Problem.AssertAsync(refused, HttpStatusCode.Conflict);
        Assert.Contains("frozen by 'black-friday' (peak sales)", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        using var listed = await _api.GetAsync("/api/deployment-freezes", Cancellation);
        Assert.Equal("black-friday", Assert.Single((await listed.Content.ReadFromJsonAsync<JsonArray>(Cancellation))!)!["name"]!.GetValue<string>());
        using var unfreeze = await _api.DeleteAsync("/api/deployment-freezes/black-friday", Cancellation);
        Assert.Equal(HttpStatusCode.NoContent, unfreeze.StatusCode);
        using var gone = await _api.DeleteAsync("/api/deployment-freezes/black-friday", Cancellation);
        await Problem.AssertAsync(gone, HttpStatusCode.NotFound);
        await StartAsync();
    }

    [Fact]
    public async Task Freeze_WithBadFields_Answers400()
    {
        using var past = await _api.PostAsJsonAsync("/api/deployment-freezes", new { name = "old", reason = "r", actor = "dana", until = "2001-01-01T00:00:00Z" }, Cancellation);
        await Problem.AssertNamesFieldAsync(past, "until");
        using var noReason = await _api.PostAsJsonAsync("/api/deployment-freezes", new { name = "x", actor = "dana" }, Cancellation);
        await Problem.AssertNamesFieldAsync(noReason, "reason");
    }

    [Fact]
    public async Task List_FiltersByState_AndRefusesAnUnknownOne()
    {
        var id = await StartAsync();
        await DeploymentAsync(id, "Paused");

        using var paused = await _api.GetAsync("/api/deployments?state=paused&service=CHECKOUT", Cancellation);
        Assert.Equal(id, Assert.Single((await paused.Content.ReadFromJsonAsync<JsonArray>(Cancellation))!)!["id"]!.GetValue<string>());
        using var succeeded = await _api.GetAsync("/api/deployments?state=Succeeded", Cancellation);
        Assert.Empty((await succeeded.Content.ReadFromJsonAsync<JsonArray>(Cancellation))!);
        using var bad = await _api.GetAsync("/api/deployments?state=sideways", Cancellation);
        await Problem.AssertNamesFieldAsync(bad, "state");
    }
}
