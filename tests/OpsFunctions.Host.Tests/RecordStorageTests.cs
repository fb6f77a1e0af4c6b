using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Host.Hosting;
using OpsFunctions.Operations;
using OpsFunctions.Operations.Incidents;
using OpsFunctions.Operations.Incidents.Storage;
using OpsFunctions.Operations.Storage;
using OpsFunctions.Testing.Azure;

namespace OpsFunctions.Host.Tests;

/// <summary>The features' records go where the engine's store is, and the incident store follows.</summary>
public sealed class RecordStorageTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("opsfunctions-records-").FullName;

    [Fact]
    public async Task AddRecordStorage_WithoutAzureStorage_PutsIncidentsInSqliteBesideTheEngineDatabase()
    {
        var configuration = Configuration(new()
        {
            [HostPaths.DataDirectoryKey] = _directory,
            ["extensions:durableTask:hubName"] = "payments",
        });
        var paths = HostPaths.From(configuration, _directory);

        await using var provider = Services(configuration, paths).BuildServiceProvider();

        var store = Assert.IsType<SqliteIncidentStore>(provider.GetRequiredService<IIncidentStore>());
        Assert.Equal(Path.Combine(_directory, "payments.incidents.db"), store.DatabaseFile);
        Assert.Equal(Path.ChangeExtension(paths.DatabaseFile, ".incidents.db"), store.DatabaseFile);
    }

    [Fact]
    public async Task AddRecordStorage_WithAzureWebJobsStorage_PutsIncidentsInTheHubsTable()
    {
        var configuration = Configuration(new()
        {
            [StorageRegistration.AzureStorageKey] = Azurite.ConnectionString,
            ["extensions:durableTask:hubName"] = "payments",
        });

        await using var provider = Services(configuration).BuildServiceProvider();

        var store = Assert.IsType<TableIncidentStore>(provider.GetRequiredService<IIncidentStore>());
        Assert.Equal("paymentsIncidents", store.TableName);
    }

    [Fact]
    public async Task AddRecordStorage_WithIdentityBasedSettings_PutsIncidentsInTheAccountsTable()
    {
        var configuration = Configuration(new() { [$"{StorageRegistration.AzureStorageKey}:accountName"] = "opsprod" });

        await using var provider = Services(configuration).BuildServiceProvider();

        var store = Assert.IsType<TableIncidentStore>(provider.GetRequiredService<IIncidentStore>());
        Assert.Equal("opsIncidents", store.TableName);
        Assert.Equal(new Uri("https://opsprod.table.core.windows.net/"), provider.GetRequiredService<RecordStorage>().Tables!.Uri);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage", "not a connection string", "AzureWebJobsStorage")]
    [InlineData("AzureWebJobsStorage:accountName", "Not_An_Account", "AzureWebJobsStorage__accountName")]
    public void AddRecordStorage_MalformedConnection_ThrowsNamingTheSetting(string key, string value, string named)
    {
        var configuration = Configuration(new() { [key] = value });

        var error = Assert.Throws<InvalidOperationException>(() => Services(configuration));

        Assert.Contains($"'{named}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncidentStore_HubNameGivingNoTableName_ThrowsNamingTheTable()
    {
        var configuration = Configuration(new()
        {
            [StorageRegistration.AzureStorageKey] = Azurite.ConnectionString,
            ["extensions:durableTask:hubName"] = "my-hub",
        });
        await using var provider = Services(configuration).BuildServiceProvider();

        var error = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<IIncidentStore>());

        Assert.Contains("'my-hubIncidents'", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private IServiceCollection Services(IConfiguration configuration, HostPaths? paths = null)
        => new ServiceCollection()
            .AddLogging()
            .AddRecordStorage(configuration, paths ?? HostPaths.From(configuration, _directory))
            .AddIncidentResponse(configuration);

    private static IConfiguration Configuration(Dictionary<string, string?> values)
        => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
