using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.FunctionApp.Durable;
using OpsFunctions.FunctionApp.Escalation;
using OpsFunctions.FunctionApp.Incidents;
using OpsFunctions.Operations;
using OpsFunctions.Operations.Escalation;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.FunctionApp.Tests;

/// <summary>The activity wrappers: the activity is built from the invocation's services and its result returned.</summary>
public sealed class ActivityFunctionTests
{
    [Fact]
    public async Task SelectEscalationPolicy_BuildsTheActivityFromTheInvocationServices_AndReturnsItsPolicy()
    {
        await using var services = Services(new Dictionary<string, string?>
        {
            ["Escalation:Policies:payments:Match:Service"] = "payments",
            ["Escalation:Policies:payments:Match:Severity"] = "critical",
            ["Escalation:Policies:payments:Repeat"] = "2",
            ["Escalation:Policies:payments:Levels:0:Contacts:0:Name"] = "payments on-call",
            ["Escalation:Policies:payments:Levels:0:Contacts:0:SlackChannel"] = "#payments-oncall",
            ["Escalation:Policies:payments:Levels:0:AckTimeout"] = "00:10:00",
        });

        var policy = await EscalationFunctions.RunSelectEscalationPolicy(
            new SelectEscalationPolicyInput("payments", Severity.Critical, null), "inc-1", Invocation(services));

        Assert.Equal(("payments", 2), (policy.Name, policy.Repeat));
        var level = Assert.Single(policy.Levels);
        Assert.Equal(("L1", TimeSpan.FromMinutes(10), "payments on-call"), (level.Name, level.AckTimeout, Assert.Single(level.Contacts).Name));
    }

    [Fact]
    public async Task RunActivity_GivesTheActivityTheFunctionNameAndTheCallingInstance()
    {
        await using var services = Services([]);

        var seen = await TaskFunctions.RunActivityAsync<ContextProbe, string, string>("Probe", "input", "inc-1", Invocation(services));

        Assert.Equal("Probe inc-1 input", seen);
    }

    [Fact]
    public async Task SignalInstance_RaisesTheEventThroughTheBoundClient()
    {
        // The isolated worker has no DurableTaskClient service: the wrapper's [DurableClient] binding supplies it.
        await using var services = Services([]);
        var client = new Mock<DurableTaskClient>("bound");
        var action = new EscalationAction("alice");

        var raised = await EscalationFunctions.RunSignalInstance(
            new SignalInstanceInput(IncidentIds.EscalationOf("inc-1"), EscalationEvents.Acknowledged) { Action = action },
            "inc-1",
            client.Object,
            Invocation(services));

        Assert.True(raised);
        client.Verify(c => c.RaiseEventAsync(IncidentIds.EscalationOf("inc-1"), EscalationEvents.Acknowledged, action, It.IsAny<CancellationToken>()), Times.Once);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddFunctionAppServices(configuration).BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    private static FunctionContext Invocation(IServiceProvider services)
    {
        var invocation = new Mock<FunctionContext>();
        invocation.SetupGet(c => c.InstanceServices).Returns(services);
        return invocation.Object;
    }

    private sealed class ContextProbe : TaskActivity<string, string>
    {
        public override Task<string> RunAsync(TaskActivityContext context, string input)
            => Task.FromResult($"{context.Name.Name} {context.InstanceId} {input}");
    }
}
