using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OpsFunctions.Testing.Hosting;

namespace OpsFunctions.Cli.Tests;

/// <summary>One host process shared by the tests of <see cref="CliAgainstHostTests"/>.</summary>
public sealed class HostProcessFixture : IAsyncLifetime
{
    public const string AdminKey = "cli-admin-key";
    public const string FunctionKey = "cli-function-key";

    private readonly string _directory = Directory.CreateTempSubdirectory("opsfunctions-cli-").FullName;

    public HostProcess Host { get; private set; } = null!;

    public Dictionary<string, string> Environment => new() { ["OPS_URL"] = Host.BaseAddress.ToString(), ["OPS_ADMIN_KEY"] = AdminKey };

    public async ValueTask InitializeAsync()
        => Host = await HostProcess.StartAsync(
            _directory,
            new Dictionary<string, string> { ["Keys__Admin"] = AdminKey, ["Keys__Function"] = FunctionKey, ["Approvals__SigningKey"] = "cli-signing" });

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

[Trait("Category", "EndToEnd")]
public sealed class CliAgainstHostTests(HostProcessFixture fixture) : IClassFixture<HostProcessFixture>
{
    [Fact]
    public async Task StartRaiseShowPurge_AgainstRunningHost_DriveAnInstanceToTheEnd()
    {
        var env = fixture.Environment;

        var start = await CliRun.RunAsync(env, "start", "SampleWorkflow", "--input", "{\"message\":\"cli\",\"waitForApproval\":true}", "--id", "cli-round-trip");
        await WaitForStatusAsync("cli-round-trip", "waiting for approval");
        var list = await CliRun.RunAsync(env, "list", "--status", "Running", "--prefix", "cli-round");
        var raise = await CliRun.RunAsync(env, "raise", "cli-round-trip", "Approval", "{\"by\":\"carol\"}");
        await WaitForStatusAsync("cli-round-trip", null);
        var show = await CliRun.RunAsync(env, "show", "cli-round-trip", "--history");
        var purge = await CliRun.RunAsync(env, "purge", "cli-round-trip");
        var gone = await CliRun.RunAsync(env, "show", "cli-round-trip");

        Assert.Equal((0, true), (start.ExitCode, start.Output.Contains("Started cli-round-trip", StringComparison.Ordinal)));
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("cli-round-trip", list.Output, StringComparison.Ordinal);
        Assert.Contains("Running", list.Output, StringComparison.Ordinal);
        Assert.Equal(0, raise.ExitCode);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("Completed", show.Output, StringComparison.Ordinal);
        Assert.Contains("done: cli; approval: {\"by\":\"carol\"}", show.Output, StringComparison.Ordinal);
        Assert.Contains("TaskCompleted", show.Output, StringComparison.Ordinal);
        Assert.Contains("SampleStep", show.Output, StringComparison.Ordinal);
        Assert.Contains("EventRaised", show.Output, StringComparison.Ordinal);
        Assert.Equal((0, true), (purge.ExitCode, purge.Output.Contains("Purged 1", StringComparison.Ordinal)));
        Assert.Equal(ExitCodes.NotFound, gone.ExitCode);
        Assert.Contains("No orchestration instance with id 'cli-round-trip'", gone.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SuspendResumeTerminate_AgainstRunningHost_ChangeTheInstance()
    {
        var env = fixture.Environment;
        await StartWaitingAsync(env, "cli-control");

        var suspend = await CliRun.RunAsync(env, "suspend", "cli-control", "--reason", "hold on");
        await WaitForRuntimeStatusAsync("cli-control", "Suspended");
        var resume = await CliRun.RunAsync(env, "resume", "cli-control");
        await WaitForRuntimeStatusAsync("cli-control", "Running");
        var terminate = await CliRun.RunAsync(env, "terminate", "cli-control", "--reason", "not needed");
        await WaitForRuntimeStatusAsync("cli-control", "Terminated");
        var again = await CliRun.RunAsync(env, "terminate", "cli-control");

        Assert.Equal((0, 0, 0), (suspend.ExitCode, resume.ExitCode, terminate.ExitCode));
        Assert.Equal(ExitCodes.Failed, again.ExitCode);
        Assert.Contains("410", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approve_LinkIssuedByTheHost_RecordsTheDecisionOnce()
    {
        var env = fixture.Environment;
        await StartWaitingAsync(env, "cli-approve");
        using var http = Admin();
        using var issued = await http.PostAsJsonAsync(
            "/runtime/webhooks/durabletask/approvals",
            new { instanceId = "cli-approve", eventName = "Approval", decision = "approve", approver = "dave" },
            TestContext.Current.CancellationToken);
        var link = (await issued.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;

        var approve = await CliRun.RunAsync(env, "approve", link["url"]!.GetValue<string>());
        var reuse = await CliRun.RunAsync(env, "approve", link["token"]!.GetValue<string>());
        await WaitForStatusAsync("cli-approve", null);

        Assert.Equal(0, approve.ExitCode);
        Assert.Contains("Decision 'approve' sent to workflow 'cli-approve'", approve.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failed, reuse.ExitCode);
        Assert.Contains("already been used", reuse.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WrongKey_SaysTheKeyWasRefusedAndExits4()
    {
        var env = fixture.Environment;
        env["OPS_ADMIN_KEY"] = "not-the-key";

        var (exitCode, output) = await CliRun.RunAsync(env, "list");

        Assert.Equal(ExitCodes.Unauthorized, exitCode);
        Assert.Contains("The host refused the admin key", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-key", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AckListResolve_AnIncident_RecordTheActorAndRefuseASecondResolve()
    {
        var env = fixture.Environment;
        env["OPS_FUNCTION_KEY"] = HostProcessFixture.FunctionKey;
        var id = await OpenIncidentAsync("cli ack");

        var ack = await CliRun.RunAsync(env, "ack", id, "--actor", "alice", "--note", "looking");
        await WaitForIncidentAsync(id, "Acknowledged");
        var list = await CliRun.RunAsync(env, "incidents", "--state", "Acknowledged");
        var resolve = await CliRun.RunAsync(env, "resolve", id, "--actor", "alice");
        await WaitForIncidentAsync(id, "Resolved");
        var again = await CliRun.RunAsync(env, "resolve", id, "--actor", "bob");

        Assert.Equal((0, true), (ack.ExitCode, ack.Output.Contains($"Asked incident {id} to acknowledge, as alice", StringComparison.Ordinal)));
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(id, list.Output, StringComparison.Ordinal);
        Assert.Contains("alice", list.Output, StringComparison.Ordinal);
        Assert.Equal(0, resolve.ExitCode);
        Assert.Equal(ExitCodes.Failed, again.ExitCode);
        Assert.Contains("409", again.Output, StringComparison.Ordinal);
        Assert.Contains("already resolved", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ack_UnknownIncidentMissingActorOrWrongKey_SaysWhyWithItsExitCode()
    {
        var env = fixture.Environment;
        env["OPS_FUNCTION_KEY"] = HostProcessFixture.FunctionKey;
        var id = await OpenIncidentAsync("cli errors");

        var unknown = await CliRun.RunAsync(env, "ack", "inc-unknown-1", "--actor", "alice");
        var noActor = await CliRun.RunAsync(env, "ack", id);
        env["OPS_FUNCTION_KEY"] = "not-the-function-key";
        var wrongKey = await CliRun.RunAsync(env, "resolve", id, "--actor", "alice");
        env.Remove("OPS_FUNCTION_KEY");
        var adminKey = await CliRun.RunAsync(env, "ack", id, "--actor", "alice");

        Assert.Equal(ExitCodes.NotFound, unknown.ExitCode);
        Assert.Contains("No incident with id 'inc-unknown-1'", unknown.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, noActor.ExitCode);
        Assert.Contains("--actor is required", noActor.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Unauthorized, wrongKey.ExitCode);
        Assert.Contains("The host refused the function key", wrongKey.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-function-key", wrongKey.Output, StringComparison.Ordinal);
        Assert.Equal(0, adminKey.ExitCode);
    }

    private async Task<string> OpenIncidentAsync(string title)
    {
        using var http = Admin();
        using var opened = await http.PostAsJsonAsync("/api/incidents", new { title, service = "cli", severity = "warning", actor = "carol" }, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, opened.StatusCode);
        var id = (await opened.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!.GetValue<string>();
        await WaitForIncidentAsync(id, "Open");
        return id;
    }

    private Task WaitForIncidentAsync(string id, string state)
        => Eventually.HappensAsync(
            async () =>
            {
                using var http = Admin();
                using var response = await http.GetAsync($"/api/incidents/{id}", TestContext.Current.CancellationToken);
                return response.IsSuccessStatusCode
                    && (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["incident"]!["state"]!.GetValue<string>() == state;
            },
            $"incident {id} to be {state}");

    private async Task StartWaitingAsync(Dictionary<string, string> env, string id)
    {
        var (exitCode, output) = await CliRun.RunAsync(env, "start", "SampleWorkflow", "--input", "{\"waitForApproval\":true}", "--id", id);
        Assert.True(exitCode == 0, output);
        await WaitForStatusAsync(id, "waiting for approval");
    }

    private HttpClient Admin()
    {
        var http = new HttpClient { BaseAddress = fixture.Host.BaseAddress };
        http.DefaultRequestHeaders.Add("x-functions-key", HostProcessFixture.AdminKey);
        return http;
    }

    /// <summary>Waits for a custom status, or (null) for the instance to have ended.</summary>
    private Task WaitForStatusAsync(string id, string? customStatus)
        => WaitUntilAsync(id, (status, body) => customStatus is null
            ? status == System.Net.HttpStatusCode.OK
            : body?["customStatus"]?.GetValue<string>() == customStatus);

    private Task WaitForRuntimeStatusAsync(string id, string runtimeStatus)
        => WaitUntilAsync(id, (_, body) => body?["runtimeStatus"]?.GetValue<string>() == runtimeStatus);

    private Task WaitUntilAsync(string id, Func<System.Net.HttpStatusCode, JsonObject?, bool> done)
        => Eventually.HappensAsync(
            async () =>
            {
                using var http = Admin();
                using var response = await http.GetAsync($"/runtime/webhooks/durabletask/instances/{id}", TestContext.Current.CancellationToken);
                return done(response.StatusCode, await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken));
            },
            $"instance {id}");
}
