using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OpsFunctions.Durable.Client;

namespace OpsFunctions.Host.Tests;

public sealed class WebhookTests
{
    private const string Deployment = "{\"service\":\"checkout\",\"version\":\"1.2.3\"}";
    private const string Alert = "{\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\\"HighLatency\\\"}\",\"status\":\"firing\",\"receiver\":\"ops\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"HighLatency\"},\"startsAt\":\"2026-11-23T06:00:00Z\",\"fingerprint\":\"4f1c2a\"}]}";
    private const string Push = "{\"ref\":\"refs/heads/main\",\"repository\":{\"full_name\":\"acme/shop\"}}";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("GitHub")]
    [InlineData("Trigger")]
    public async Task StartAsync_TriggerNamingAnUnregisteredOrchestrator_FailsNamingTheSetting(string section)
    {
        var settings = RunningHost.DefaultSettings();
        settings[$"{section}:Orchestrator"] = "NoSuchWorkflow";

        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => RunningHost.StartAsync(settings, cancellationToken: Cancellation));

        Assert.Contains($"{section}:Orchestrator 'NoSuchWorkflow' is not registered in this host.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trigger_ValidBodyAndFunctionKey_StartsTheOrchestration()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Http.SendAsync(Post("/api/trigger", Deployment, RunningHost.FunctionKey), Cancellation);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["id"]!.GetValue<string>();
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);
        Assert.Equal("checkout", done.ReadInputAs<JsonObject>()!["service"]!.GetValue<string>());
    }

    [Fact]
    public async Task Trigger_KeyInCodeQuery_IsAccepted()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Http.SendAsync(Post($"/api/trigger?code={RunningHost.FunctionKey}", Deployment, key: null), Cancellation);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Trigger_MissingOrWrongKey_Answers401(string? key)
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Http.SendAsync(Post("/api/trigger", Deployment, key), Cancellation);

        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Trigger_BodyOverLimit_Answers413()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var large = $"{{\"service\":\"s\",\"version\":\"v\",\"pad\":\"{new string('x', 5000)}\"}}";

        using var response = await host.Http.SendAsync(Post("/api/trigger", large, RunningHost.FunctionKey), Cancellation);

        await Problem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Trigger_ChunkedBodyOverLimit_Answers413()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var request = Post("/api/trigger", string.Empty, RunningHost.FunctionKey);
        request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(new string(' ', 10_000))));
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await host.Http.SendAsync(request, Cancellation);

        await Problem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Trigger_NotJsonContentType_Answers415(string contentType)
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Http.SendAsync(Post("/api/trigger", Deployment, RunningHost.FunctionKey, contentType), Cancellation);

        await Problem.AssertAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("{\"service\":", "body")]
    [InlineData("", "body")]
    [InlineData("[1,2]", "body")]
    [InlineData("\"text\"", "body")]
    public async Task Trigger_BadJsonOrNotAnObject_Answers400NamingTheBody(string body, string field)
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Http.SendAsync(Post("/api/trigger", body, RunningHost.FunctionKey), Cancellation);

        await Problem.AssertNamesFieldAsync(response, field);
    }

    [Fact]
    public async Task Trigger_BadIdempotencyKey_Answers400NamingTheHeader()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var request = Post("/api/trigger", Deployment, RunningHost.FunctionKey);
        request.Headers.Add("Idempotency-Key", new string('k', 300));

        using var response = await host.Http.SendAsync(request, Cancellation);

        await Problem.AssertNamesFieldAsync(response, "Idempotency-Key");
    }

    [Fact]
    public async Task Trigger_SameIdempotencyKeyTwice_StartsOnceAndAnswersTheFirstId()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        var first = await SendWithKeyAsync(host, "deploy-42");
        var second = await SendWithKeyAsync(host, "deploy-42");
        var other = await SendWithKeyAsync(host, "deploy-43");

        Assert.Equal((HttpStatusCode.Accepted, false), (first.Status, first.Duplicate));
        Assert.Equal((HttpStatusCode.OK, true), (second.Status, second.Duplicate));
        Assert.Equal(first.Id, second.Id);
        Assert.NotEqual(first.Id, other.Id);
        Assert.Equal(2, await CountAsync(host, "trigger-"));
    }

    [Fact]
    public async Task Trigger_RedeliveredAfterRestart_IsStillRecognised()
    {
        var directory = Directory.CreateTempSubdirectory("opsfunctions-host-").FullName;
        string firstId;
        await using (var host = await RunningHost.StartAsync(directory: directory, cancellationToken: Cancellation))
        {
            firstId = (await SendWithKeyAsync(host, "deploy-restart")).Id;
        }

        await using (var restarted = await RunningHost.StartAsync(directory: directory, cancellationToken: Cancellation))
        {
            var again = await SendWithKeyAsync(restarted, "deploy-restart");
            Assert.Equal((HttpStatusCode.OK, true, firstId), (again.Status, again.Duplicate, again.Id));
            Assert.Equal(1, await CountAsync(restarted, "trigger-"));
        }

        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Trigger_StartFailsInTheStore_Answers500AndTheRetryStarts()
    {
        FaultyStore? faulty = null;
        await using var host = await RunningHost.StartAsync(
            services: services => services.Decorate(store => faulty = new FaultyStore(store) { FailCreate = id => id.StartsWith("trigger-", StringComparison.Ordinal) }),
            cancellationToken: Cancellation);
        _ = await host.Client.GetInstanceAsync("resolve-the-store", cancellation: Cancellation);

        var request = Post("/api/trigger", Deployment, RunningHost.FunctionKey);
        request.Headers.Add("Idempotency-Key", "deploy-retry");
        using var failed = await host.Http.SendAsync(request, Cancellation);
        var retry = await SendWithKeyAsync(host, "deploy-retry");

        Assert.NotNull(faulty);
        await Problem.AssertAsync(failed, HttpStatusCode.InternalServerError);
        Assert.Equal((HttpStatusCode.Accepted, false), (retry.Status, retry.Duplicate));
        Assert.Equal(1, await CountAsync(host, "trigger-"));
    }

    [Fact]
    public async Task GitHub_SignedDelivery_StartsWithEventAndPayload()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Http.SendAsync(GitHub(Push, "push", "d-1"), Cancellation);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["id"]!.GetValue<string>();
        var instance = await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true, Cancellation);
        var input = instance!.ReadInputAs<JsonObject>()!;
        Assert.Equal("push", input["event"]!.GetValue<string>());
        Assert.Equal("acme/shop", input["payload"]!["repository"]!["full_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task GitHub_SameDeliveryTwice_StartsOnce()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var first = await host.Http.SendAsync(GitHub(Push, "push", "d-dup"), Cancellation);
        using var second = await host.Http.SendAsync(GitHub(Push, "push", "d-dup"), Cancellation);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.True((await second.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["duplicate"]!.GetValue<bool>());
        Assert.Equal(1, await CountAsync(host, "github-"));
    }

    [Fact]
    public async Task GitHub_SignatureOverDifferentBody_Answers403()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var request = GitHub(Push, "push", "d-2");
        request.Content = RunningHost.Json(Push.Replace("acme", "evil", StringComparison.Ordinal));

        using var response = await host.Http.SendAsync(request, Cancellation);

        await Problem.AssertAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(0, await CountAsync(host, "github-"));
    }

    [Theory]
    [InlineData("sha256=zz")]
    [InlineData("sha1=0123")]
    public async Task GitHub_MalformedSignature_Answers403(string signature)
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var request = GitHub(Push, "push", "d-3");
        request.Headers.Remove("X-Hub-Signature-256");
        request.Headers.Add("X-Hub-Signature-256", signature);

        using var response = await host.Http.SendAsync(request, Cancellation);

        await Problem.AssertAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task GitHub_MissingSignature_Answers401()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var request = GitHub(Push, "push", "d-4");
        request.Headers.Remove("X-Hub-Signature-256");

        using var response = await host.Http.SendAsync(request, Cancellation);

        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("X-GitHub-Delivery")]
    [InlineData("X-GitHub-Event")]
    public async Task GitHub_MissingHeader_Answers400NamingIt(string header)
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var request = GitHub(Push, "push", "d-5");
        request.Headers.Remove(header);

        using var response = await host.Http.SendAsync(request, Cancellation);

        await Problem.AssertNamesFieldAsync(response, header);
    }

    [Fact]
    public async Task GitHub_MissingRepository_Answers400NamingIt()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Http.SendAsync(GitHub("{\"ref\":\"x\"}", "push", "d-6"), Cancellation);

        await Problem.AssertNamesFieldAsync(response, "repository.full_name");
    }

    [Fact]
    public async Task GitHub_Ping_Answers200AndStartsNothing()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Http.SendAsync(GitHub("{\"zen\":\"Keep it logically awesome.\"}", "ping", "d-7"), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await CountAsync(host, "github-"));
    }

    [Fact]
    public async Task Alertmanager_BearerToken_OpensAnIncident()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var request = Post("/api/alerts/alertmanager", Alert, key: null);
        request.Headers.Authorization = new("Bearer", RunningHost.AlertmanagerToken);

        using var response = await host.Http.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["id"]!.GetValue<string>();
        Assert.Equal("IncidentOrchestrator", (await host.Client.GetInstanceAsync(id, cancellation: Cancellation))!.Name);
    }

    [Fact]
    public async Task Alertmanager_FunctionKeyInsteadOfToken_IsAccepted()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Http.SendAsync(Post("/api/alerts/alertmanager", Alert, RunningHost.FunctionKey), Cancellation);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("wrong-token")]
    [InlineData(null)]
    public async Task Alertmanager_WrongOrNoCredentials_Answers401(string? token)
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var request = Post("/api/alerts/alertmanager", Alert, key: null);
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        using var response = await host.Http.SendAsync(request, Cancellation);

        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("alerts")]
    [InlineData("status")]
    [InlineData("groupKey")]
    public async Task Alertmanager_MissingField_Answers400NamingIt(string field)
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var body = JsonNode.Parse(Alert)!.AsObject();
        body.Remove(field);

        using var response = await host.Http.SendAsync(Post("/api/alerts/alertmanager", body.ToJsonString(), RunningHost.FunctionKey), Cancellation);

        await Problem.AssertNamesFieldAsync(response, field);
    }

    private static HttpRequestMessage Post(string path, string body, string? key, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = RunningHost.Json(body, contentType) };
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        return request;
    }

    private static HttpRequestMessage GitHub(string body, string gitHubEvent, string delivery)
    {
        var request = Post("/api/github", body, key: null);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(RunningHost.GitHubSecret), Encoding.UTF8.GetBytes(body)));
        request.Headers.Add("X-Hub-Signature-256", $"sha256={signature}");
        request.Headers.Add("X-GitHub-Event", gitHubEvent);
        request.Headers.Add("X-GitHub-Delivery", delivery);
        return request;
    }

    private static async Task<(HttpStatusCode Status, string Id, bool Duplicate)> SendWithKeyAsync(RunningHost host, string key)
    {
        var request = Post("/api/trigger", Deployment, RunningHost.FunctionKey);
        request.Headers.Add("Idempotency-Key", key);
        using var response = await host.Http.SendAsync(request, Cancellation);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!;
        return (response.StatusCode, body["id"]!.GetValue<string>(), body["duplicate"]!.GetValue<bool>());
    }

    private static async Task<int> CountAsync(RunningHost host, string prefix)
        => await host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix }).CountAsync(Cancellation);
}
