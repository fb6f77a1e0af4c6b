using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpsFunctions.Operations.Approvals;

namespace OpsFunctions.Host.Tests;

public sealed class SecretLoggingTests
{
    [Fact]
    public async Task Requests_CarryingKeysTokensAndSignatures_LeaveNoSecretInTheLogs()
    {
        var settings = RunningHost.DefaultSettings();
        settings["Logging:LogLevel:Default"] = "Trace";
        await using var host = await RunningHost.StartAsync(settings, services => services.AddLogging(l => l.ClearProviders().AddFakeLogging()), cancellationToken: TestContext.Current.CancellationToken);
        var id = await host.StartSampleAsync(new { waitForApproval = true });
        var token = host.Services.GetRequiredService<ApprovalTokens>().Issue(id, "Approval", "approve", null, TimeSpan.FromHours(1));
        var body = "{\"ref\":\"x\",\"repository\":{\"full_name\":\"acme/shop\"}}";
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(RunningHost.GitHubSecret), Encoding.UTF8.GetBytes(body)));

        using (await host.Http.PostAsync($"/api/trigger?code={RunningHost.FunctionKey}", RunningHost.Json("{\"service\":\"s\",\"version\":\"1\"}"), TestContext.Current.CancellationToken))
        using (await host.Http.GetAsync($"/runtime/webhooks/durabletask/instances?code={RunningHost.AdminKey}", TestContext.Current.CancellationToken))
        using (await host.Http.GetAsync($"/api/approvals/{token}", TestContext.Current.CancellationToken))
        using (await host.Http.PostAsync($"/api/approvals/{token}", null, TestContext.Current.CancellationToken))
        using (var gitHub = new HttpRequestMessage(HttpMethod.Post, "/api/github") { Content = RunningHost.Json(body) })
        {
            gitHub.Headers.Add("X-Hub-Signature-256", $"sha256={signature}");
            gitHub.Headers.Add("X-GitHub-Event", "push");
            gitHub.Headers.Add("X-GitHub-Delivery", "secret-check");
            using var response = await host.Http.SendAsync(gitHub, TestContext.Current.CancellationToken);
        }

        await host.Client.WaitForInstanceCompletionAsync(id, cancellation: TestContext.Current.CancellationToken);
        var logs = host.Services.GetRequiredService<FakeLogCollector>().GetSnapshot();

        Assert.NotEmpty(logs);
        Assert.Contains(logs, l => l.Message.Contains("Approval link redeemed", StringComparison.Ordinal));
        foreach (var secret in new[] { RunningHost.FunctionKey, RunningHost.AdminKey, RunningHost.GitHubSecret, "test-signing-key", token, token.Split('.')[1], signature })
        {
            Assert.DoesNotContain(logs, l => l.Message.Contains(secret, StringComparison.Ordinal) || (l.StructuredState?.Any(s => s.Value?.Contains(secret, StringComparison.Ordinal) == true) ?? false));
        }
    }
}
