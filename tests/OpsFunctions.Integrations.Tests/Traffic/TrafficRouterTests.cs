using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsFunctions.Integrations.Tests.Support;
using OpsFunctions.Integrations.Traffic;

namespace OpsFunctions.Integrations.Tests.Traffic;

/// <summary>The router's checks and the nginx provider's file handling, with stand-in test and reload commands.</summary>
public sealed class TrafficRouterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("opsfunctions-traffic-").FullName;

    private string ConfigFile => Path.Combine(_folder, "checkout.conf");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, TrafficTarget, TrafficBackend[], string> BadInputs()
    {
        var nginx = new TrafficTarget { Provider = TrafficProviderKind.Nginx, Upstream = "checkout", ConfigFile = "/tmp/checkout.conf" };
        var http = new TrafficTarget { Provider = TrafficProviderKind.Http, Upstream = "checkout", WebhookUrl = "https://lb.example.com/weights" };
        TrafficBackend[] good = [new("127.0.0.1:8001", 90), new("127.0.0.1:8002", 10)];
        return new()
        {
            { "weight 101", nginx, [new("127.0.0.1:8001", 101)], "backend 127.0.0.1:8001 of checkout has weight 101; a weight is a percentage from 0 to 100" },
            { "weight -1", http, [new("127.0.0.1:8001", 100), new("127.0.0.1:8002", -1)], "backend 127.0.0.1:8002 of checkout has weight -1; a weight is a percentage from 0 to 100" },
            { "empty address", nginx, [new("127.0.0.1:8001", 100), new(" ", 0)], "backend 2 of checkout has no address" },
            { "no backends", nginx, [], "at least one backend is required for checkout" },
            { "duplicate", nginx, [new("127.0.0.1:8001", 50), new("127.0.0.1:8001", 50)], "backend 127.0.0.1:8001 is listed twice for checkout" },
            { "injection", nginx, [new("127.0.0.1:8001; include /etc/passwd", 100)], "backend 1 of checkout has an address with characters a server address cannot hold" },
            { "missing ConfigFile", nginx with { ConfigFile = null }, good, "the nginx provider needs ConfigFile, the file holding upstream checkout, and none was given" },
            { "relative ConfigFile", nginx with { ConfigFile = "conf.d/checkout.conf" }, good, "ConfigFile 'conf.d/checkout.conf' must be an absolute path" },
            { "missing folder", nginx with { ConfigFile = "/no/such/folder/checkout.conf" }, good, "the folder of ConfigFile '/no/such/folder/checkout.conf' does not exist" },
            { "bad upstream name", nginx with { Upstream = "checkout {" }, good, "'checkout {' is not an nginx upstream name" },
            { "relative WebhookUrl", http with { WebhookUrl = "/weights" }, good, "the HTTP provider needs WebhookUrl to be an absolute http or https URL" },
            { "missing WebhookUrl", http with { WebhookUrl = null }, good, "the HTTP provider needs WebhookUrl to be an absolute http or https URL, and none was given" },
            { "ftp WebhookUrl", http with { WebhookUrl = "ftp://lb.example.com/weights" }, good, "the HTTP provider needs WebhookUrl to be an absolute http or https URL" },
            { "all down", nginx, [new("127.0.0.1:8001", 0), new("127.0.0.1:8002", 100, Drained: true)], "every backend of checkout has weight 0 or is drained: the service would get no traffic at all, so the change is refused" },
        };
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task ApplyAsync_BadInput_FailsWithAClearErrorAndWritesNothing(string scenario, TrafficTarget target, TrafficBackend[] backends, string error)
    {
        await using var services = CreateSut();

        var change = await Router(services).ApplyAsync(target, backends, TestContext.Current.CancellationToken);

        Assert.False(change.Success, scenario);
        Assert.StartsWith(error, change.Error, StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/checkout.conf"));
    }

    [Fact]
    public async Task ApplyAsync_AllDownForNginx_RefusesAndLeavesTheFileAlone()
    {
        await File.WriteAllTextAsync(ConfigFile, "previous", TestContext.Current.CancellationToken);
        await using var services = CreateSut();

        var change = await Router(services).ApplyAsync(Nginx(), [new("127.0.0.1:8001", 0), new("127.0.0.1:8002", 0)], TestContext.Current.CancellationToken);

        Assert.False(change.Success);
        Assert.Contains("would get no traffic", change.Error, StringComparison.Ordinal);
        Assert.Equal("previous", await File.ReadAllTextAsync(ConfigFile, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ApplyAsync_Nginx_WritesTheUpstreamAtomicallyAndLeavesNoTemporaryFile()
    {
        await File.WriteAllTextAsync(ConfigFile, "previous", TestContext.Current.CancellationToken);
        const UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(ConfigFile, mode);
        }

        await using var services = CreateSut();

        var change = await Router(services).ApplyAsync(Nginx(), [new("127.0.0.1:8001", 95), new("127.0.0.1:8002", 5)], TestContext.Current.CancellationToken);

        Assert.True(change.Success, change.Error);
        Assert.Equal($"nginx upstream checkout in {ConfigFile} (127.0.0.1:8001 95 %, 127.0.0.1:8002 5 %): tested and reloaded", change.Detail);
        Assert.Equal(
            NginxUpstream.Render("checkout", [new("127.0.0.1:8001", 95), new("127.0.0.1:8002", 5)]),
            await File.ReadAllTextAsync(ConfigFile, TestContext.Current.CancellationToken));
        Assert.Equal([ConfigFile], Directory.GetFiles(_folder));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(mode, File.GetUnixFileMode(ConfigFile));
        }
    }

    [Fact]
    public async Task ApplyAsync_TestCommandFails_RestoresThePreviousFileAndReportsItsStandardError()
    {
        await File.WriteAllTextAsync(ConfigFile, "previous", TestContext.Current.CancellationToken);
        var log = Path.Combine(_folder, "reloads.log");
        await using var services = CreateSut(
            test: ["sh", "-c", "echo 'nginx: [emerg] invalid port in upstream' >&2; exit 1"],
            reload: ["sh", "-c", $"echo reloaded >> {log}"]);

        var change = await Router(services).ApplyAsync(Nginx(), [new("127.0.0.1:8001", 100)], TestContext.Current.CancellationToken);

        Assert.False(change.Success);
        Assert.Equal(
            $"`sh -c echo 'nginx: [emerg] invalid port in upstream' >&2; exit 1` rejected the new upstream (exit code 1: nginx: [emerg] invalid port in upstream); the previous {ConfigFile} restored",
            change.Error);
        Assert.Equal("previous", await File.ReadAllTextAsync(ConfigFile, TestContext.Current.CancellationToken));
        Assert.False(File.Exists(log), "nginx was reloaded after its test failed");
        Assert.Equal([ConfigFile], Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task ApplyAsync_TestCommandFailsAndThereWasNoFile_RemovesTheFile()
    {
        await using var services = CreateSut(test: ["false"]);

        var change = await Router(services).ApplyAsync(Nginx(), [new("127.0.0.1:8001", 100)], TestContext.Current.CancellationToken);

        Assert.False(change.Success);
        Assert.EndsWith($"{ConfigFile} removed, as it did not exist before", change.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task ApplyAsync_ReloadFails_RestoresThePreviousFile()
    {
        await File.WriteAllTextAsync(ConfigFile, "previous", TestContext.Current.CancellationToken);
        await using var services = CreateSut(reload: ["sh", "-c", "echo 'nginx: [error] invalid PID number' >&2; exit 1"]);

        var change = await Router(services).ApplyAsync(Nginx(), [new("127.0.0.1:8001", 100)], TestContext.Current.CancellationToken);

        Assert.False(change.Success);
        Assert.Contains("failed (exit code 1: nginx: [error] invalid PID number); the previous", change.Error, StringComparison.Ordinal);
        Assert.Equal("previous", await File.ReadAllTextAsync(ConfigFile, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ApplyAsync_TestCommandOutlastsTimeout_KillsItAndRestores()
    {
        await File.WriteAllTextAsync(ConfigFile, "previous", TestContext.Current.CancellationToken);
        var settings = Settings(test: ["sleep", "30"]);
        settings["Traffic:Nginx:Timeout"] = "00:00:00.300";
        await using var services = TestServices.Create(settings);

        var change = await Router(services).ApplyAsync(Nginx(), [new("127.0.0.1:8001", 100)], TestContext.Current.CancellationToken);

        Assert.False(change.Success);
        Assert.Contains("(timed out after 0.3 s and was killed)", change.Error, StringComparison.Ordinal);
        Assert.Equal("previous", await File.ReadAllTextAsync(ConfigFile, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ApplyAsync_TestCommandMissing_FailsNamingIt()
    {
        await using var services = CreateSut(test: ["/no/such/nginx", "-t"]);

        var change = await Router(services).ApplyAsync(Nginx(), [new("127.0.0.1:8001", 100)], TestContext.Current.CancellationToken);

        Assert.False(change.Success);
        Assert.StartsWith("`/no/such/nginx -t` rejected the new upstream (could not start /no/such/nginx", change.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_Cancelled_Throws()
    {
        await using var services = CreateSut();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Router(services).ApplyAsync(Nginx(), [new("127.0.0.1:8001", 100)], new CancellationToken(canceled: true)));
        Assert.False(File.Exists(ConfigFile));
    }

    [Fact]
    public async Task AddOpsIntegrations_NoTrafficSettings_DefaultsToNginxTestAndReload()
    {
        await using var services = TestServices.Create([]);

        var options = services.GetRequiredService<IOptions<NginxTrafficOptions>>().Value;

        Assert.Equal("nginx -t", options.EffectiveTestCommand.ToString());
        Assert.Equal("nginx -s reload", options.EffectiveReloadCommand.ToString());
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
        Assert.Null(services.GetRequiredService<IOptions<HttpTrafficOptions>>().Value.Secret);
    }

    [Fact]
    public async Task AddOpsIntegrations_ConfiguredCommands_BindWithoutKeepingTheDefaults()
    {
        await using var services = CreateSut(test: ["/usr/sbin/nginx", "-t", "-p", "/srv/nginx/"]);

        var options = services.GetRequiredService<IOptions<NginxTrafficOptions>>().Value;

        Assert.Equal("/usr/sbin/nginx -t -p /srv/nginx/", options.EffectiveTestCommand.ToString());
    }

    [Theory]
    [InlineData("Traffic:Nginx:Timeout", "00:20:00", "Traffic:Nginx:Timeout must be between 00:00:00.1000000 and 00:10:00.")]
    [InlineData("Traffic:Nginx:ReloadCommand:FileName", "", "Traffic:Nginx:ReloadCommand:FileName is required.")]
    [InlineData("Traffic:Http:Secret", "short", "Traffic:Http:Secret must be at least 16 characters.")]
    [InlineData("Traffic:Resilience:MaxRetryAttempts", "50", "Traffic:Resilience:MaxRetryAttempts must be between 0 and 20.")]
    public async Task AddOpsIntegrations_BadTrafficSetting_FailsAtStartNamingTheKey(string key, string value, string message)
    {
        var settings = TestServices.FastSettings();
        settings[key] = value;
        await using var services = TestServices.Create(settings);

        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = services.GetRequiredService<IOptions<NginxTrafficOptions>>().Value;
            _ = services.GetRequiredService<IOptions<HttpTrafficOptions>>().Value;
            _ = services.GetRequiredService<IOptionsMonitor<Http.OutboundResilienceOptions>>().Get(Http.OutboundResilienceOptions.Traffic);
        });

        Assert.Contains(message, error.Failures);
    }

    private static ITrafficRouter Router(ServiceProvider services) => services.GetRequiredService<ITrafficRouter>();

    private TrafficTarget Nginx() => new() { Provider = TrafficProviderKind.Nginx, Upstream = "checkout", ConfigFile = ConfigFile };

    private static ServiceProvider CreateSut(string[]? test = null, string[]? reload = null) => TestServices.Create(Settings(test, reload));

    private static Dictionary<string, string?> Settings(string[]? test = null, string[]? reload = null)
    {
        var settings = TestServices.FastSettings();
        Command("TestCommand", test ?? ["true"]);
        Command("ReloadCommand", reload ?? ["true"]);
        return settings;

        void Command(string name, string[] command)
        {
            settings[$"Traffic:Nginx:{name}:FileName"] = command[0];
            for (var i = 1; i < command.Length; i++)
            {
                settings[$"Traffic:Nginx:{name}:Arguments:{i - 1}"] = command[i];
            }
        }
    }
}
