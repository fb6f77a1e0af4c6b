using OpsFunctions.Testing.Azure;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Durable.AzureStorage;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpsFunctions.Durable;
using OpsFunctions.Host.Hosting;
using OpsFunctions.Host.Security;

namespace OpsFunctions.Host.Tests;

public sealed class ConfigurationTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAsync_HostJsonDurableTaskSection_ConfiguresTheEngine()
    {
        var directory = Directory.CreateTempSubdirectory("opsfunctions-host-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "host.json"), """
            { "version": "2.0", "extensions": { "durableTask": {
                "hubName": "nightly", "maxConcurrentActivityFunctions": 3, "maxConcurrentOrchestratorFunctions": 4,
                "shutdownGracePeriod": "00:00:07", "storageProvider": { "maxQueuePollingInterval": "00:00:02" } } } }
            """, Cancellation);

        await using var host = await RunningHost.StartAsync(directory: directory, cancellationToken: Cancellation);
        var options = host.Services.GetRequiredService<IOptions<DurableTaskOptions>>().Value;

        Assert.Equal(("nightly", 3, 4), (options.HubName, options.MaxConcurrentActivities, options.MaxConcurrentOrchestrations));
        Assert.Equal(TimeSpan.FromSeconds(7), options.ShutdownGracePeriod);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MaxPollingInterval);
        Assert.True(File.Exists(Path.Combine(directory, ".opsfunctions", "nightly.db")));
        Assert.True(host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout >= TimeSpan.FromSeconds(7));
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void AddFunctionsConfiguration_LocalSettingsValues_SitBetweenHostJsonAndEnvironment()
    {
        var directory = Directory.CreateTempSubdirectory("opsfunctions-config-").FullName;
        var variable = $"OpsTest{Guid.NewGuid():N}";
        File.WriteAllText(Path.Combine(directory, "host.json"), $$"""{ "{{variable}}": { "FromHostJson": "h", "Overridden": "h", "ByEnvironment": "h" } }""");
        File.WriteAllText(Path.Combine(directory, "local.settings.json"), $$"""
            { "IsEncrypted": false, "Values": { "{{variable}}__Overridden": "v", "{{variable}}__ByEnvironment": "v", "{{variable}}__OnlyValue": "v" } }
            """);
        Environment.SetEnvironmentVariable($"{variable}__ByEnvironment", "e");
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = directory });
            builder.AddFunctionsConfiguration();
            var section = builder.Configuration.GetSection(variable);

            Assert.Equal("h", section["FromHostJson"]);
            Assert.Equal("v", section["Overridden"]);
            Assert.Equal("v", section["OnlyValue"]);
            Assert.Equal("e", section["ByEnvironment"]);
            Assert.Equal(directory, builder.Configuration[FunctionsConfiguration.AppRootKey]);
        }
        finally
        {
            Environment.SetEnvironmentVariable($"{variable}__ByEnvironment", null);
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AddFunctionsConfiguration_NoUrlsGiven_ListensOnFunctionsLocalPort()
    {
        var directory = Directory.CreateTempSubdirectory("opsfunctions-config-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = directory });
        var urlsGiven = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = directory, Args = ["--urls", "http://127.0.0.1:9999"] });

        builder.AddFunctionsConfiguration();
        urlsGiven.AddFunctionsConfiguration();

        Assert.Equal("http://127.0.0.1:7071", builder.WebHost.GetSetting("urls"));
        Assert.Equal("http://127.0.0.1:9999", urlsGiven.WebHost.GetSetting("urls"));
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage", "not a connection string", "Setting 'AzureWebJobsStorage' is not a storage connection string")]
    [InlineData("AzureWebJobsStorage:accountName", "Not_An_Account", "Setting 'AzureWebJobsStorage__accountName' is not a storage account name")]
    public async Task StartAsync_AzureWebJobsStorageMalformed_FailsNamingTheSetting(string key, string value, string expected)
    {
        var settings = RunningHost.DefaultSettings();
        settings[key] = value;

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningHost.StartAsync(settings, cancellationToken: Cancellation));

        Assert.StartsWith(expected, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_AzureWebJobsStorageSet_RunsInstancesOnAzureStorage()
    {
        var settings = RunningHost.DefaultSettings();
        settings["AzureWebJobsStorage"] = await Azurite.EnsureStartedAsync();
        settings["extensions:durableTask:hubName"] = "host" + Guid.NewGuid().ToString("N")[..10];
        settings["extensions:durableTask:storageProvider:partitionCount"] = "2";
        await using var host = await RunningHost.StartAsync(settings, cancellationToken: Cancellation);

        var id = await host.StartSampleAsync(new { message = "on azure" });
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.IsType<AzureDurableStore>(host.Services.GetRequiredService<IDurableStore>());
    }

    [Fact]
    public async Task StartAsync_TwoHostsOnOneAzureHubWithoutKeys_ShareOneGeneratedSetAndRedeemEachOthersLinks()
    {
        var hub = "keys" + Guid.NewGuid().ToString("N")[..10];
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await Azurite.EnsureStartedAsync(),
            ["extensions:durableTask:hubName"] = hub,
            ["extensions:durableTask:storageProvider:partitionCount"] = "1",
            ["Logging:LogLevel:Default"] = "Warning",
        };

        // Started together, so both find no keys and race to store theirs.
        var hosts = await Task.WhenAll(
            RunningHost.StartAsync(settings, cancellationToken: Cancellation),
            RunningHost.StartAsync(settings, cancellationToken: Cancellation));
        await using var first = hosts[0];
        await using var second = hosts[1];
        var keys = first.Services.GetRequiredService<HostKeys>();
        var secondKeys = second.Services.GetRequiredService<HostKeys>();

        Assert.Equal((keys.FunctionKey, keys.AdminKey, keys.SigningKey), (secondKeys.FunctionKey, secondKeys.AdminKey, secondKeys.SigningKey));
        Assert.Equal($"blob '{hub.ToLowerInvariant()}-secrets/host.keys.json' of the storage account", keys.StoredIn);
        Assert.False(File.Exists(Path.Combine(first.Directory, ".opsfunctions", hub + ".keys.json")));

        // A link the first host signs is good on the second: the signing key is the hub's, not the machine's.
        using var admin = new HttpClient { BaseAddress = first.BaseAddress };
        admin.DefaultRequestHeaders.Add("x-functions-key", keys.AdminKey);
        using var start = await admin.PostAsJsonAsync("/runtime/webhooks/durabletask/orchestrators/SampleWorkflow", new { waitForApproval = true }, Cancellation);
        var id = (await start.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["id"]!.GetValue<string>();
        await Eventually.HappensAsync(
            async () => (await first.Client.GetInstanceAsync(id, getInputsAndOutputs: true, Cancellation))?.ReadCustomStatusAs<string>() == "waiting for approval",
            $"'{id}' to wait for approval");

        using var issued = await admin.PostAsJsonAsync(
            "/runtime/webhooks/durabletask/approvals", new { instanceId = id, eventName = "Approval", decision = "approve" }, Cancellation);
        var token = (await issued.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["token"]!.GetValue<string>();
        using var redeemed = await second.Http.PostAsync($"/api/approvals/{token}", null, Cancellation);
        var done = await second.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Cancellation);

        Assert.Equal(HttpStatusCode.OK, redeemed.StatusCode);
        Assert.Contains("\"decision\":\"approve\"", done.ReadOutputAs<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_NoKeysConfigured_GeneratesThemOnceStoresThemPrivatelyAndUsesThem()
    {
        var directory = Directory.CreateTempSubdirectory("opsfunctions-host-").FullName;
        try
        {
            var settings = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" };
            HostKeys generated;
            await using (var host = await RunningHost.StartAsync(settings, directory: directory, cancellationToken: Cancellation))
            {
                generated = host.Services.GetRequiredService<HostKeys>();
                using var request = new HttpRequestMessage(HttpMethod.Get, "/runtime/webhooks/durabletask/instances");
                request.Headers.Add("x-functions-key", generated.AdminKey);
                using var response = await host.Http.SendAsync(request, Cancellation);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            await using var restarted = await RunningHost.StartAsync(settings, directory: directory, cancellationToken: Cancellation);
            var again = restarted.Services.GetRequiredService<HostKeys>();

            var file = Path.Combine(directory, ".opsfunctions", "ops.keys.json");
            Assert.Equal(file, generated.StoredIn);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            Assert.Equal((generated.FunctionKey, generated.AdminKey, generated.SigningKey), (again.FunctionKey, again.AdminKey, again.SigningKey));
            Assert.Equal(3, new[] { generated.FunctionKey, generated.AdminKey, generated.SigningKey }.Distinct().Count());
            Assert.True(generated.AdminKey.Length >= 40);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Load_SomeKeysConfigured_ConfiguredOnesWin()
    {
        var directory = Directory.CreateTempSubdirectory("opsfunctions-keys-").FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Keys:Admin", "configured-admin")]).Build();

        var keys = HostKeys.Load(configuration, KeyStorage.For(configuration, new HostPaths(directory, ".opsfunctions", "ops")));

        Assert.Equal("configured-admin", keys.AdminKey);
        Assert.NotEqual("configured-admin", keys.FunctionKey);
        Assert.DoesNotContain("configured-admin", File.ReadAllText(keys.StoredIn!), StringComparison.Ordinal);
        Directory.Delete(directory, recursive: true);
    }
}
