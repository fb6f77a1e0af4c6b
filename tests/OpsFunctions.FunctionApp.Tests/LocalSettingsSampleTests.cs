using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsFunctions.Operations;
using OpsFunctions.Operations.Escalation;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.FunctionApp.Tests;

/// <summary><c>local.settings.sample.json</c>: what <c>func start</c> gets once copied, so it must bind and validate.</summary>
public sealed class LocalSettingsSampleTests
{
    [Fact]
    public void Sample_RunsIsolatedOnAzurite()
    {
        var values = SampleValues();

        Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]);
    }

    [Fact]
    public void Sample_SettingsBindAndValidate_WithTheAppsServices()
    {
        // The Functions host hands Values to the worker as environment variables: "__" separates sections.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(SampleValues().Select(pair => KeyValuePair.Create(pair.Key.Replace("__", ":", StringComparison.Ordinal), pair.Value)))
            .Build();
        using var services = new ServiceCollection().AddFunctionAppServices(configuration).BuildServiceProvider();

        var selector = services.GetRequiredService<EscalationPolicySelector>();
        var routes = services.GetRequiredService<IOptions<IncidentRoutingOptions>>().Value;

        Assert.Equal("payments", selector.Select("payments", Severity.Critical).Name);
        Assert.Equal("#incidents-critical", Assert.Single(routes.RouteFor(Severity.Critical)).SlackChannel);
    }

    private static Dictionary<string, string?> SampleValues()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "FunctionApp", "local.settings.sample.json");
        Assert.True(File.Exists(path), $"{path} is missing: the test project copies it from src/OpsFunctions.FunctionApp.");
        using var settings = JsonDocument.Parse(File.ReadAllText(path));
        Assert.False(settings.RootElement.GetProperty("IsEncrypted").GetBoolean());
        return settings.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
    }
}
