using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.FunctionApp.Hosting;
using OpsFunctions.Operations.Incidents;
using OpsFunctions.Operations.Incidents.Storage;
using OpsFunctions.Testing.Azure;

namespace OpsFunctions.FunctionApp.Tests;

/// <summary>The app keeps the features' records in the account AzureWebJobsStorage names, as Functions reads it.</summary>
public sealed class FunctionAppStorageTests
{
    [Fact]
    public async Task Incidents_WithAConnectionString_AreKeptInTheHubsTable()
    {
        var configuration = Configuration(new() { [FunctionAppStorage.StorageSetting] = Azurite.ConnectionString });

        await using var provider = new ServiceCollection().AddLogging().AddFunctionAppServices(configuration).BuildServiceProvider();

        var store = Assert.IsType<TableIncidentStore>(provider.GetRequiredService<IIncidentStore>());
        Assert.Equal("OpsFunctionsIncidents", store.TableName);
    }

    [Fact]
    public void Records_WithAnAccountName_UseTheAccountsTableEndpointAndTheConfiguredHub()
    {
        var configuration = Configuration(new()
        {
            [$"{FunctionAppStorage.StorageSetting}:accountName"] = "opsprod",
            [FunctionAppStorage.HubNameSetting] = "payments",
        });

        var records = FunctionAppStorage.Records(configuration);

        Assert.Equal(new Uri("https://opsprod.table.core.windows.net/"), records.Tables!.Uri);
        Assert.Equal("paymentsIncidents", records.TableName("Incidents"));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("AzureWebJobsStorage", "not a connection string")]
    [InlineData("AzureWebJobsStorage:tableServiceUri", "http://insecure.example.com")]
    public void Records_WithoutAUsableSetting_ThrowsNamingIt(string? key, string? value)
    {
        var configuration = Configuration(key is null ? new() : new() { [key] = value });

        var error = Assert.Throws<InvalidOperationException>(() => FunctionAppStorage.Records(configuration));

        Assert.Contains("'AzureWebJobsStorage", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not a connection string", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values)
        => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
