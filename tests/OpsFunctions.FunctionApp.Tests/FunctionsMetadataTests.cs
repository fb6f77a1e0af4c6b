using OpsFunctions.Durable;
using OpsFunctions.FunctionApp.Hosting;

namespace OpsFunctions.FunctionApp.Tests;

/// <summary>
/// What the Functions host will index, read from the <c>functions.metadata</c> the build generated (Core Tools is not
/// needed): one function per orchestrator and activity the workflows register, with the right trigger, and no other.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private const string OrchestrationTrigger = "orchestrationTrigger";
    private const string ActivityTrigger = "activityTrigger";
    private const string HttpTrigger = "httpTrigger";

    /// <summary>The HTTP functions: name, route under <c>/api/</c>, methods, authorization level.</summary>
    public static TheoryData<string, string, string, string> HttpFunctions => new()
    {
        { "AlertmanagerWebhook", "alerts/alertmanager", "post", "Anonymous" },
        { "GitHubWebhook", "github", "post", "Anonymous" },
        { "JsonTrigger", "trigger", "post", "Function" },
        { "ShowApproval", "approvals/{token}", "get", "Anonymous" },
        { "RedeemApproval", "approvals/{token}", "post", "Anonymous" },
        { "OpenIncident", "incidents", "post", "Function" },
        { "ListIncidents", "incidents", "get", "Function" },
        { "GetIncident", "incidents/{id}", "get", "Function" },
        { "AcknowledgeIncident", "incidents/{id}/ack", "post", "Function" },
        { "ResolveIncident", "incidents/{id}/resolve", "post", "Function" },
        { "StartDeployment", "deployments", "post", "Function" },
        { "ListDeployments", "deployments", "get", "Function" },
        { "GetDeployment", "deployments/{id}", "get", "Function" },
        { "PromoteDeployment", "deployments/{id}/promote", "post", "Function" },
        { "AbortDeployment", "deployments/{id}/abort", "post", "Function" },
        { "RetryDeployment", "deployments/{id}/retry", "post", "Function" },
        { "ListDeploymentFreezes", "deployment-freezes", "get", "Function" },
        { "FreezeDeployments", "deployment-freezes", "post", "Function" },
        { "UnfreezeDeployments", "deployment-freezes/{name}", "delete", "Function" },
    };

    private static readonly DurableTaskRegistry Registry = new DurableTaskRegistry().AddFunctionAppTasks();

    public static TheoryData<string> RegisteredOrchestrators => [.. Registry.GetOrchestrators().Select(entry => entry.Key.Name)];

    public static TheoryData<string> RegisteredActivities => [.. Registry.GetActivities().Select(entry => entry.Key.Name)];

    [Theory]
    [MemberData(nameof(RegisteredOrchestrators))]
    public void RegisteredOrchestrator_HasOneFunction_WithAnOrchestrationTrigger(string name)
        => AssertOneFunctionTriggeredBy(name, OrchestrationTrigger);

    [Theory]
    [MemberData(nameof(RegisteredActivities))]
    public void RegisteredActivity_HasOneFunction_WithAnActivityTrigger(string name)
        => AssertOneFunctionTriggeredBy(name, ActivityTrigger);

    [Fact]
    public void OrchestrationFunctions_AreExactlyTheRegisteredOrchestrators()
        => AssertSameNames("orchestrator", Registry.GetOrchestrators().Select(entry => entry.Key.Name), FunctionsTriggeredBy(OrchestrationTrigger));

    [Fact]
    public void ActivityFunctions_AreExactlyTheRegisteredActivities()
        => AssertSameNames("activity", Registry.GetActivities().Select(entry => entry.Key.Name), FunctionsTriggeredBy(ActivityTrigger));

    [Fact]
    public void Registry_HasTheWorkflowsOrchestratorsAndActivities()
    {
        // Guards the tests above against an empty registry, which would make them pass with no function at all.
        Assert.True(Registry.HasOrchestrator(nameof(Operations.Incidents.IncidentOrchestrator)));
        Assert.True(Registry.HasOrchestrator(nameof(Operations.Deployments.CanaryRolloutOrchestrator)));
        Assert.True(Registry.HasOrchestrator(nameof(Operations.Deployments.Analysis.AnalysisOrchestrator)));
        Assert.NotEmpty(Registry.GetActivities());
    }

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public void HttpFunction_HasItsRouteMethodsAndAuthorizationLevel(string name, string route, string methods, string authLevel)
    {
        var function = Assert.Single(FunctionAppOutput.Functions(), f => f.Name == name);
        var trigger = Assert.Single(function.Triggers);

        Assert.Equal((HttpTrigger, route, methods, authLevel), (trigger.Type, trigger.Route, string.Join(",", trigger.Methods), trigger.AuthLevel));
        Assert.Contains(function.Bindings, binding => binding is { Type: "http", Direction: "Out" });
    }

    [Fact]
    public void Schedules_TickEveryMinute()
    {
        var function = Assert.Single(FunctionAppOutput.Functions(), f => f.Name == "Schedules");

        Assert.Equal(("timerTrigger", "0 * * * * *"), (Assert.Single(function.Triggers).Type, Assert.Single(function.Triggers).Schedule));
    }

    [Fact]
    public void HttpFunctions_AreExactlyTheOnesListed()
        => AssertSameNames("HTTP", HttpFunctions.Select(row => row.Data.Item1), FunctionsTriggeredBy(HttpTrigger));

    [Fact]
    public void EveryFunction_HasExactlyOneTrigger()
    {
        var functions = FunctionAppOutput.Functions();

        Assert.NotEmpty(functions);
        Assert.Contains(functions, function => function.Triggers.Any(trigger => trigger.Type == HttpTrigger));
        Assert.All(functions, function => Assert.True(
            function.Triggers.Count() == 1,
            $"{function.Name} has triggers [{string.Join(", ", function.Triggers.Select(t => t.Type))}]; want exactly one"));
    }

    [Fact]
    public void ExtensionsJson_ListsTheDurableTaskExtension()
    {
        using var extensions = FunctionAppOutput.Read("extensions.json");

        var durable = Assert.Single(
            extensions.RootElement.GetProperty("extensions").EnumerateArray(),
            extension => extension.GetProperty("name").GetString() == "DurableTask");
        Assert.StartsWith("Microsoft.Azure.WebJobs.Extensions.DurableTask.", durable.GetProperty("typeName").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/Microsoft.Azure.WebJobs.Extensions.DurableTask.dll", durable.GetProperty("hintPath").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void HostJson_IsVersion2_WithItsOwnTaskHub()
    {
        using var host = FunctionAppOutput.Read("host.json");

        Assert.Equal("2.0", host.RootElement.GetProperty("version").GetString());
        // The records of the features are named after the hub the app reads by default; the two must agree.
        Assert.Equal(FunctionAppStorage.DefaultHubName, host.RootElement.GetProperty("extensions").GetProperty("durableTask").GetProperty("hubName").GetString());
    }

    private static void AssertOneFunctionTriggeredBy(string name, string triggerType)
    {
        var named = FunctionAppOutput.Functions().Where(function => function.Name == name).ToList();
        Assert.True(named.Count == 1, $"functions.metadata has {named.Count} functions named {name}; want exactly one");
        var trigger = Assert.Single(named[0].Triggers);
        Assert.Equal((triggerType, "In"), (trigger.Type, trigger.Direction));
    }

    private static IEnumerable<string> FunctionsTriggeredBy(string triggerType)
        => FunctionAppOutput.Functions().Where(function => function.Triggers.Any(trigger => trigger.Type == triggerType)).Select(function => function.Name);

    private static void AssertSameNames(string kind, IEnumerable<string> registered, IEnumerable<string> functions)
    {
        var missing = registered.Except(functions, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var extra = functions.Except(registered, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Assert.True(
            missing.Count == 0 && extra.Count == 0,
            $"{kind} registered by AddFunctionAppTasks() without a function: [{string.Join(", ", missing)}]; "
            + $"{kind} function with nothing registered under its name: [{string.Join(", ", extra)}]");
    }
}
