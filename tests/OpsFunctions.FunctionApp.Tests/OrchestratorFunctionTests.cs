using System.Text.Json;
using OpsFunctions.FunctionApp.Escalation;
using OpsFunctions.FunctionApp.Incidents;
using OpsFunctions.Operations;
using OpsFunctions.Operations.Escalation;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.FunctionApp.Tests;

/// <summary>The orchestrator wrappers: the orchestrator runs on the trigger's context with the instance's input.</summary>
public sealed class OrchestratorFunctionTests
{
    private static readonly DateTime Now = new(2026, 1, 5, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task EscalationOrchestrator_PagesTheFirstLevelOfTheInput_AndEndsOnStop()
    {
        var input = new EscalationInput
        {
            ParentId = "inc-1",
            Subject = JsonSerializer.SerializeToElement(new { title = "HighErrorRate" }),
            PageActivity = "PageTeam",
            Policy = EscalationPolicySelector.Resolve("Default", EscalationConstants.CreateDefaultPolicy()),
        };
        var activities = new List<(string Name, object? Input)>();
        var context = new Mock<TaskOrchestrationContext>();
        context.Setup(c => c.GetInput<EscalationInput>()).Returns(input);
        context.SetupGet(c => c.CurrentUtcDateTime).Returns(Now);
        context.Setup(c => c.CallActivityAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName name, object? activityInput, TaskOptions? _) => activities.Add((name.Name, activityInput)))
            .Returns(Task.CompletedTask);
        context.Setup(c => c.CallActivityAsync<bool>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName name, object? activityInput, TaskOptions? _) => activities.Add((name.Name, activityInput)))
            .ReturnsAsync(true);
        context.Setup(c => c.WaitForExternalEvent<EscalationAction?>(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string name, CancellationToken _) => name == EscalationEvents.Stop
                ? Task.FromResult<EscalationAction?>(new EscalationAction("alice"))
                : new TaskCompletionSource<EscalationAction?>().Task);
        context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>())).Returns(new TaskCompletionSource().Task);

        var result = await EscalationFunctions.RunEscalationOrchestrator(context.Object);

        Assert.Equal((1, 1, "alice"), (result.LastLevel, result.Pages, result.StoppedBy));
        var (name, activityInput) = activities[0];
        Assert.Equal("PageTeam", name);
        var page = Assert.IsType<EscalationPage>(activityInput);
        Assert.Equal(("inc-1", EscalationPageKind.Triggered, 1), (page.ParentId, page.Kind, page.Level));
    }

    [Fact]
    public void IncidentOrchestrator_FirstSelectsThePolicyForTheInputsServiceAndSeverity()
    {
        var context = new Mock<TaskOrchestrationContext>();
        context.Setup(c => c.GetInput<IncidentRequest>())
            .Returns(new IncidentRequest { Title = "Checkout down", Service = "checkout", Severity = Severity.Critical, Policy = "payments" });
        context.SetupGet(c => c.InstanceId).Returns("inc-1");
        context.SetupGet(c => c.CurrentUtcDateTime).Returns(Now);
        context.Setup(c => c.CallActivityAsync<EscalationPolicy>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns(new TaskCompletionSource<EscalationPolicy>().Task);

        var running = IncidentFunctions.RunIncidentOrchestrator(context.Object);

        Assert.False(running.IsCompleted);
        context.Verify(
            c => c.CallActivityAsync<EscalationPolicy>(
                It.Is<TaskName>(n => n.Name == nameof(SelectEscalationPolicy)),
                new SelectEscalationPolicyInput("checkout", Severity.Critical, "payments"),
                It.IsAny<TaskOptions?>()),
            Times.Once);
        Assert.Single(context.Invocations, i => i.Method.Name == nameof(TaskOrchestrationContext.CallActivityAsync));
    }
}
