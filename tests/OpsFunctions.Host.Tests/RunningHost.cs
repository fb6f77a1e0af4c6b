using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Durable.Client;
using OpsFunctions.Host.Hosting;

namespace OpsFunctions.Host.Tests;

/// <summary>
/// The real host (Kestrel on a free loopback port, the embedded store in a temporary directory), built exactly as
/// Program.cs builds it, with test settings on top.
/// </summary>
public sealed class RunningHost : IAsyncDisposable
{
    public const string FunctionKey = "test-function-key";
    public const string AdminKey = "test-admin-key";
    public const string GitHubSecret = "test-github-secret";
    public const string AlertmanagerToken = "test-alertmanager-token";

    private readonly WebApplication _app;
    private readonly bool _ownsDirectory;

    private RunningHost(WebApplication app, string directory, bool ownsDirectory)
    {
        _app = app;
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Http = new HttpClient { BaseAddress = BaseAddress };
        Admin = new HttpClient { BaseAddress = BaseAddress };
        Admin.DefaultRequestHeaders.Add("x-functions-key", AdminKey);
    }

    public string Directory { get; }

    public Uri BaseAddress { get; }

    /// <summary>Gets a client that sends no key.</summary>
    public HttpClient Http { get; }

    /// <summary>Gets a client that sends the admin key.</summary>
    public HttpClient Admin { get; }

    public IServiceProvider Services => _app.Services;

    public DurableTaskClient Client => Services.GetRequiredService<DurableTaskClient>();

    public static Dictionary<string, string?> DefaultSettings() => new()
    {
        ["Keys:Function"] = FunctionKey,
        ["Keys:Admin"] = AdminKey,
        ["Approvals:SigningKey"] = "test-signing-key",
        ["GitHub:WebhookSecret"] = GitHubSecret,
        ["Alertmanager:BearerToken"] = AlertmanagerToken,
        ["Webhooks:MaxBodyBytes"] = "4096",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public static async Task<RunningHost> StartAsync(
        Dictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        string? directory = null,
        CancellationToken cancellationToken = default)
    {
        var ownsDirectory = directory is null;
        directory ??= System.IO.Directory.CreateTempSubdirectory("opsfunctions-host-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = directory,
            Args = ["--urls", "http://127.0.0.1:0"],
        });
        try
        {
            builder.Configuration.AddInMemoryCollection(settings ?? DefaultSettings());
            builder.AddOpsFunctions();
            services?.Invoke(builder.Services);
            var app = builder.Build();
            app.MapOpsFunctions();
            await app.StartAsync(cancellationToken);
            return new RunningHost(app, directory, ownsDirectory);
        }
        catch when (ownsDirectory)
        {
            // Tests of start-up failures get no host to dispose: its folder goes here.
            SqliteConnection.ClearAllPools();
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public async Task<string> StartSampleAsync(object? input = null, string? instanceId = null)
    {
        using var response = await Admin.PostAsJsonAsync(
            $"/runtime/webhooks/durabletask/orchestrators/SampleWorkflow{(instanceId is null ? string.Empty : "/" + instanceId)}",
            input ?? new { message = "hello" },
            TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!.GetValue<string>();
    }

    public static StringContent Json(string json, string contentType = "application/json")
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_ownsDirectory)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open is left for the OS temp cleaner rather than failing the test.
            }
        }
    }
}
