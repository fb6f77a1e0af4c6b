using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpsFunctions.Durable;
using OpsFunctions.Host.Security;
using OpsFunctions.Operations.Approvals;

namespace OpsFunctions.Host.Tests;

public sealed class ApprovalTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_ValidLink_ShowsConfirmationAndApprovesNothing()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var (id, link) = await WaitingInstanceWithLinkAsync(host);

        using var page = await host.Http.GetAsync(link.Url, Cancellation);
        using var pageAgain = await host.Http.GetAsync(link.Url, Cancellation);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync(Cancellation);
        Assert.Contains("<form method=\"post\"", html, StringComparison.Ordinal);
        Assert.Contains("approve", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, pageAgain.StatusCode);
        var instance = await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true, Cancellation);
        Assert.Equal(OrchestrationRuntimeStatus.Running, instance!.RuntimeStatus);
        Assert.Equal("waiting for approval", instance.ReadCustomStatusAs<string>());
    }

    [Fact]
    public async Task Post_ValidLink_RaisesTheDecisionOnTheWaitingInstance()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var (id, link) = await WaitingInstanceWithLinkAsync(host);

        using var response = await host.Http.PostAsync(link.Url, null, Cancellation);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Recorded", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Contains("\"decision\":\"approve\"", done.ReadOutputAs<string>(), StringComparison.Ordinal);
        Assert.Contains("\"approver\":\"alice\"", done.ReadOutputAs<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_LinkUsedTwice_Answers409AndRaisesOnce()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var (id, link) = await WaitingInstanceWithLinkAsync(host);

        using var first = await host.Http.PostAsync(link.Url, null, Cancellation);
        using var second = await host.Http.PostAsync(link.Url, null, Cancellation);
        using var page = await host.Http.GetAsync(link.Url, Cancellation);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, page.StatusCode);
        await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Cancellation);
        var history = await host.Services.GetRequiredService<Durable.Storage.IDurableStore>().ReadHistoryAsync(id, Cancellation);
        Assert.Single(history.OfType<Durable.History.EventRaised>());
    }

    [Fact]
    public async Task PostAndGet_ExpiredLink_Answer410()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var id = await host.StartSampleAsync(new { waitForApproval = true });
        var past = new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddHours(-2));
        var token = new ApprovalTokens(host.Services.GetRequiredService<ApprovalSigningKey>(), past, Options.Create(new ApprovalOptions())).Issue(id, "Approval", "approve", null, TimeSpan.FromHours(1));

        using var post = await host.Http.PostAsync($"/api/approvals/{token}", null, Cancellation);
        using var get = await host.Http.GetAsync($"/api/approvals/{token}", Cancellation);

        Assert.Equal(HttpStatusCode.Gone, post.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, get.StatusCode);
        Assert.Contains("expired", await post.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Post_TamperedLink_Answers403(int part)
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var (_, link) = await WaitingInstanceWithLinkAsync(host);
        var parts = link.Token.Split('.');
        parts[part] = parts[part][..^2] + (parts[part][^2] == 'A' ? "B" : "A") + parts[part][^1];

        using var response = await host.Http.PostAsync($"/api/approvals/{string.Join('.', parts)}", null, Cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Post_LinkSignedWithAnotherKey_Answers403()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var id = await host.StartSampleAsync(new { waitForApproval = true });
        var otherKeys = new HostKeys("f", "a", "another-signing-key", null);
        var token = new ApprovalTokens(new ApprovalSigningKey(otherKeys.SigningKey), TimeProvider.System, Options.Create(new ApprovalOptions())).Issue(id, "Approval", "approve", null, TimeSpan.FromHours(1));

        using var response = await host.Http.PostAsync($"/api/approvals/{token}", null, Cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("abc.def")]
    public async Task Post_UnknownLink_Answers404(string token)
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Http.PostAsync($"/api/approvals/{token}", null, Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Post_LinkForUnknownInstance_Answers404()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        var token = host.Services.GetRequiredService<ApprovalTokens>().Issue("no-such-instance", "Approval", "approve", null, TimeSpan.FromHours(1));

        using var response = await host.Http.PostAsync($"/api/approvals/{token}", null, Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Post_AcceptJson_AnswersProblemDetails()
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/approvals/not-a-token");
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await host.Http.SendAsync(request, Cancellation);

        await Problem.AssertAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"eventName\":\"Approval\",\"decision\":\"approve\"}", "instanceId")]
    [InlineData("{\"instanceId\":\"x\",\"decision\":\"approve\"}", "eventName")]
    [InlineData("{\"instanceId\":\"x\",\"eventName\":\"Approval\"}", "decision")]
    [InlineData("{\"instanceId\":\"x\",\"eventName\":\"Approval\",\"decision\":\"approve\",\"expiresInMinutes\":0}", "expiresInMinutes")]
    [InlineData("{\"instanceId\":\"x\",\"eventName\":\"Approval\",\"decision\":\"approve\",\"expiresInMinutes\":\"soon\"}", "expiresInMinutes")]
    [InlineData("{\"instanceId\":", "body")]
    public async Task Issue_MissingField_Answers400NamingIt(string body, string field)
    {
        await using var host = await RunningHost.StartAsync(cancellationToken: Cancellation);

        using var response = await host.Admin.PostAsync("/runtime/webhooks/durabletask/approvals", RunningHost.Json(body), Cancellation);

        await Problem.AssertNamesFieldAsync(response, field);
    }

    [Fact]
    public async Task Issue_NoExpiryGiven_LivesForTheConfiguredDefaultLifetime()
    {
        var settings = RunningHost.DefaultSettings();
        settings["Approvals:DefaultLifetime"] = "00:30:00";
        await using var host = await RunningHost.StartAsync(settings, cancellationToken: Cancellation);
        var before = TimeProvider.System.GetUtcNow();

        using var response = await host.Admin.PostAsJsonAsync(
            "/runtime/webhooks/durabletask/approvals", new { instanceId = "x", eventName = "Approval", decision = "approve" }, Cancellation);
        var link = (await response.Content.ReadFromJsonAsync<ApprovalLink>(Cancellation))!;
        var claims = host.Services.GetRequiredService<ApprovalTokens>().Read(link.Token).Claims!;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.InRange(claims.ExpiresAt - before, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));
        Assert.Equal(claims.ExpiresAtUnixSeconds, link.ExpiresAt.ToUnixTimeSeconds());
    }

    [Theory]
    [InlineData("00:00:10")]
    [InlineData("60.00:00:00")]
    public async Task StartAsync_DefaultLifetimeOutOfRange_FailsNamingTheSetting(string lifetime)
    {
        var settings = RunningHost.DefaultSettings();
        settings["Approvals:DefaultLifetime"] = lifetime;

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningHost.StartAsync(settings, cancellationToken: Cancellation));

        Assert.Contains("Approvals:DefaultLifetime", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TokenAtItsExpiry_IsExpired()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero));
        var tokens = new ApprovalTokens(new ApprovalSigningKey("s"), clock, Options.Create(new ApprovalOptions()));
        var token = tokens.Issue("i", "Approval", "approve", "bob", TimeSpan.FromMinutes(10));

        var before = tokens.Read(token);
        clock.Advance(TimeSpan.FromMinutes(10));
        var after = tokens.Read(token);

        Assert.Equal(ApprovalTokenState.Valid, before.State);
        Assert.Equal(("i", "Approval", "approve", "bob"), (before.Claims!.InstanceId, before.Claims.EventName, before.Claims.Decision, before.Claims.Approver));
        Assert.Equal(ApprovalTokenState.Expired, after.State);
    }

    [Theory]
    [InlineData(null, "http://10.0.0.5:7071/", "http://10.0.0.5:7071/api/approvals/t.s")]
    [InlineData("https://ops.example.com", "http://10.0.0.5:7071/", "https://ops.example.com/api/approvals/t.s")]
    [InlineData("https://example.com/ops/", "http://10.0.0.5:7071/", "https://example.com/ops/api/approvals/t.s")]
    public void LinkFor_PublicUrlOrRequestAddress_BuildsTheLinkPeopleClick(string? publicUrl, string fallback, string expected)
    {
        var tokens = new ApprovalTokens(new ApprovalSigningKey("s"), TimeProvider.System, Options.Create(new ApprovalOptions { PublicUrl = publicUrl }));

        Assert.Equal(expected, tokens.LinkFor("t.s", new Uri(fallback)).ToString());
    }

    private static async Task<(string Id, ApprovalLink Link)> WaitingInstanceWithLinkAsync(RunningHost host)
    {
        var id = await host.StartSampleAsync(new { waitForApproval = true });
        await host.Client.WaitForInstanceStartAsync(id, cancellation: Cancellation);
        await Eventually.HappensAsync(
            async () => (await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true, Cancellation))!.ReadCustomStatusAs<string>() == "waiting for approval",
            $"'{id}' to wait for approval");

        using var response = await host.Admin.PostAsJsonAsync(
            "/runtime/webhooks/durabletask/approvals",
            new { instanceId = id, eventName = "Approval", decision = "approve", approver = "alice", expiresInMinutes = 30 },
            Cancellation);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var link = (await response.Content.ReadFromJsonAsync<ApprovalLink>(Cancellation))!;
        Assert.Equal(link.Url, response.Headers.Location!.ToString());
        return (id, link);
    }
}
