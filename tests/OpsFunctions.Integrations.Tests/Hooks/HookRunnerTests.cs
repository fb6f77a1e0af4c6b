using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Integrations.Hooks;
using OpsFunctions.Integrations.Tests.Support;
using OpsFunctions.Testing.Http;

namespace OpsFunctions.Integrations.Tests.Hooks;

/// <summary>Hooks as real processes and as calls to a loopback endpoint.</summary>
public sealed class HookRunnerTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Variables = new() { ["service"] = "checkout", ["version"] = "2.0.0", ["instance"] = "10.0.0.7:8080" };
    private ServiceProvider _services = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private IHookRunner Runner => _services.GetRequiredService<IHookRunner>();

    public ValueTask InitializeAsync()
    {
        _services = TestServices.Create(TestServices.FastSettings());
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Command_GetsTheVariablesInItsArgumentsAndEnvironment_AndItsOutputIsKept()
    {
        var hook = new HookOptions { Command = "/bin/sh", Arguments = ["-c", "echo deploying $OPS_VERSION of $OPS_SERVICE to \"$0\"", "{instance}"] };

        var result = await Runner.RunAsync(hook, Variables, Cancellation);

        Assert.True(result.Success, result.Detail);
        Assert.Equal("deploying 2.0.0 of checkout to 10.0.0.7:8080", result.Output);
        Assert.EndsWith("exit code 0", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_ExitingNonZero_FailsWithItsCodeAndWhatItWrote()
    {
        var hook = new HookOptions { Command = "/bin/sh", Arguments = ["-c", "echo disk full >&2; exit 3"] };

        var result = await Runner.RunAsync(hook, Variables, Cancellation);

        Assert.False(result.Success);
        Assert.Contains("exit code 3: disk full", result.Detail, StringComparison.Ordinal);
        Assert.Equal("disk full", result.Output);
    }

    [Fact]
    public async Task Command_OutlastingItsTimeout_IsKilledAndFails()
    {
        var hook = new HookOptions { Command = "/bin/sh", Arguments = ["-c", "sleep 30"], Timeout = TimeSpan.FromMilliseconds(300) };

        var result = await Runner.RunAsync(hook, Variables, Cancellation);

        Assert.False(result.Success);
        Assert.Contains("timed out after 0.3 s and was killed", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_ThatDoesNotExist_FailsNamingIt()
    {
        var result = await Runner.RunAsync(new HookOptions { Command = "/no/such/deploy-tool" }, Variables, Cancellation);

        Assert.False(result.Success);
        Assert.Contains("could not start /no/such/deploy-tool", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Url_GetsTheVariablesAsJson_WithPlaceholdersEscaped()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var hook = new HookOptions { Url = receiver.Url("deploy/{service}?instance={instance}").ToString() };

        var result = await Runner.RunAsync(hook, Variables, Cancellation);

        Assert.True(result.Success, result.Detail);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(("/deploy/checkout", "?instance=10.0.0.7%3A8080"), (request.Path, request.QueryString));
        Assert.Equal("2.0.0", request.Json["version"]!.GetValue<string>());
        Assert.DoesNotContain("instance=", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Url_AnsweringAnError_FailsWithTheStatusAndTheAnswer_WithoutRetrying()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.RespondWith(500, "{\"error\":\"image not found\"}");

        var result = await Runner.RunAsync(new HookOptions { Url = receiver.Url("deploy").ToString() }, Variables, Cancellation);

        Assert.False(result.Success);
        Assert.EndsWith("HTTP 500 Internal Server Error", result.Detail, StringComparison.Ordinal);
        Assert.Equal("{\"error\":\"image not found\"}", result.Output);
        Assert.Single(receiver.Requests);
    }

    [Theory]
    [InlineData("/bin/true", "http://deploy.test/", "must set either Command or Url")]
    [InlineData(null, null, "must set either Command or Url")]
    [InlineData(null, "ftp://deploy.test/", "Url must be an absolute http or https URL")]
    public async Task BadHook_FailsSayingWhatIsWrong(string? command, string? url, string problem)
    {
        var result = await Runner.RunAsync(new HookOptions { Command = command, Url = url }, Variables, Cancellation);

        Assert.False(result.Success);
        Assert.Equal($"the hook {problem}", result.Detail);
    }
}
