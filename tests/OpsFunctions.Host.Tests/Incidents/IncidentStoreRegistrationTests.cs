using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Host.Hosting;
using OpsFunctions.Host.Incidents.Storage;
using OpsFunctions.Operations.Incidents;
using OpsFunctions.Testing.Azure;

namespace OpsFunctions.Host.Tests.Incidents;

public sealed class IncidentStoreRegistrationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("opsfunctions-incidents-").FullName;

    [Fact]
    public async Task AddIncidentStore_WithoutAzureStorage_UsesSqliteBesideTheEngineDatabase()
    {
        var configuration = Configuration(new()
        {
            [HostPaths.DataDirectoryKey] = _directory,
            ["extensions:durableTask:hubName"] = "payments",
        });
        var services = new ServiceCollection().AddSingleton(HostPaths.From(configuration, _directory));
        services.AddSingleton<IIncidentStore, InMemoryIncidentStore>();

        await using var provider = services.AddIncidentStore(configuration).BuildServiceProvider();

        var store = Assert.IsType<SqliteIncidentStore>(Assert.Single(provider.GetServices<IIncidentStore>()));
        Assert.Equal(Path.Combine(_directory, "payments.incidents.db"), store.DatabaseFile);
        Assert.Equal(Path.ChangeExtension(provider.GetRequiredService<HostPaths>().DatabaseFile, ".incidents.db"), store.DatabaseFile);
    }

    [Fact]
    public async Task AddIncidentStore_WithoutRegisteredPaths_ReadsThemFromConfiguration()
    {
        var configuration = Configuration(new() { [HostPaths.DataDirectoryKey] = _directory });

        await using var provider = new ServiceCollection().AddIncidentStore(configuration).BuildServiceProvider();

        var store = Assert.IsType<SqliteIncidentStore>(provider.GetRequiredService<IIncidentStore>());
        Assert.Equal(Path.Combine(_directory, "ops.incidents.db"), store.DatabaseFile);
    }

    [Fact]
    public async Task AddIncidentStore_WithAzureWebJobsStorage_UsesTheHubsTable()
    {
        var configuration = Configuration(new()
        {
            [StorageRegistration.AzureStorageKey] = Azurite.ConnectionString,
            ["extensions:durableTask:hubName"] = "payments",
        });

        await using var provider = new ServiceCollection().AddIncidentStore(configuration).BuildServiceProvider();

        var store = Assert.IsType<TableIncidentStore>(provider.GetRequiredService<IIncidentStore>());
        Assert.Equal("paymentsIncidents", store.TableName);
    }

    [Fact]
    public async Task AddIncidentStore_WithIdentityBasedSettings_UsesTheAccountsTable()
    {
        var configuration = Configuration(new() { [$"{StorageRegistration.AzureStorageKey}:accountName"] = "opsprod" });

        await using var provider = new ServiceCollection().AddIncidentStore(configuration).BuildServiceProvider();

        var store = Assert.IsType<TableIncidentStore>(provider.GetRequiredService<IIncidentStore>());
        Assert.Equal("opsIncidents", store.TableName);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage", "not a connection string", "AzureWebJobsStorage")]
    [InlineData("AzureWebJobsStorage:accountName", "Not_An_Account", "AzureWebJobsStorage__accountName")]
    public void AddIncidentStore_MalformedConnection_ThrowsNamingTheSetting(string key, string value, string named)
    {
        var configuration = Configuration(new() { [key] = value });

        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddIncidentStore(configuration));

        Assert.Contains($"'{named}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddIncidentStore_HubNameGivingNoTableName_Throws()
    {
        var configuration = Configuration(new()
        {
            [StorageRegistration.AzureStorageKey] = Azurite.ConnectionString,
            ["extensions:durableTask:hubName"] = "my-hub",
        });

        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddIncidentStore(configuration));

        Assert.Contains("'my-hubIncidents'", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static IConfiguration Configuration(Dictionary<string, string?> values)
        => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
