using System.Text.Json;
using Moq;
using OpsFunctions.Durable;
using OpsFunctions.Operations.Escalation;

namespace OpsFunctions.Operations.Tests;

/// <summary>One ladder step against a mocked context: which ContinueAsNew input each outcome produces.</summary>
public sealed class EscalationStepTests
{
    private static readonly DateTime Now = new(2026, 1, 5, 12, 0, 0, DateTimeKind.Utc);

    private static readonly EscalationPolicy Policy = EscalationPolicySelector.Resolve("Default", EscalationConstants.CreateDefaultPolicy());

    private static EscalationInput Input(EscalationPosition position) => new()
    {
        ParentId = "inc-1",
        Subject = JsonSerializer.SerializeToElement(new { title = "HighErrorRate" }),
        PageActivity = "PageTeam",
        Policy = Policy,
        Position = position,
    };

    /// <summary>A context whose timers fire at once and whose events never arrive, recording activities and ContinueAsNew.</summary>
    private static (Mock<TaskOrchestrationContext> Context, List<object?> ContinuedWith, List<(string Name, object? Input)> Activities) CreateSut(string? eventThatArrives = null)
    {
        var context = new Mock<TaskOrchestrationContext>();
        var continued = new List<object?>();
        var activities = new List<(string, object?)>();
        context.SetupGet(c => c.CurrentUtcDateTime).Returns(Now);
        context.SetupGet(c => c.InstanceId).Returns("inc-1:escalation");
        context.Setup(c => c.CallActivityAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName name, object? input, TaskOptions? _) => activities.Add((name.Name, input)))
            .Returns(Task.CompletedTask);
        context.Setup(c => c.CallActivityAsync<bool>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName name, object? input, TaskOptions? _) => activities.Add((name.Name, input)))
            .ReturnsAsync(true);
        context.Setup(c => c.WaitForExternalEvent<EscalationAction?>(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string name, CancellationToken _) => name == eventThatArrives
                ? Task.FromResult<EscalationAction?>(new EscalationAction("alice"))
                : new TaskCompletionSource<EscalationAction?>().Task);
        context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
            .Returns(eventThatArrives is null ? Task.CompletedTask : new TaskCompletionSource().Task);
        context.Setup(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>()))
            .Callback((object? input, bool _) => continued.Add(input));
        return (context, continued, activities);
    }

    [Fact]
    public async Task RunAsync_LastLevelTimesOutOnLastRepeat_ContinuesUnacknowledgedAtLastLevel()
    {
        var (context, continued, activities) = CreateSut();

        await new EscalationOrchestrator().RunAsync(context.Object, Input(new EscalationPosition { Pass = 1, LevelIndex = 4, Pages = 9 }));

        var next = Assert.IsType<EscalationInput>(Assert.Single(continued)).Position;
        Assert.Equal((EscalationMode.Unacknowledged, 4, 10, true), (next.Mode, next.LevelIndex, next.Pages, next.Announce));
        Assert.StartsWith("L5 did not acknowledge within 4 h and the ladder ran out", next.Note, StringComparison.Ordinal);
        var page = Assert.IsType<EscalationPage>(activities.Single(a => a.Name == "PageTeam").Input);
        Assert.Equal((EscalationPageKind.Escalated, 5), (page.Kind, page.Level));
        context.Verify(c => c.CreateTimer(Now.AddMinutes(240), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_UnacknowledgedPageTimesOut_PagesAgainWithoutTellingTheParent()
    {
        var (context, continued, activities) = CreateSut();

        await new EscalationOrchestrator().RunAsync(context.Object, Input(new EscalationPosition { Pass = 1, LevelIndex = 4, Pages = 10, Mode = EscalationMode.Unacknowledged, Announce = false }));

        var next = Assert.IsType<EscalationInput>(Assert.Single(continued)).Position;
        Assert.Equal((EscalationMode.Unacknowledged, 4, false), (next.Mode, next.LevelIndex, next.Announce));
        Assert.DoesNotContain(activities, a => a.Name == nameof(SignalInstance));
        Assert.Equal(EscalationPageKind.Unacknowledged, Assert.IsType<EscalationPage>(Assert.Single(activities).Input).Kind);
    }

    [Fact]
    public async Task RunAsync_AcknowledgedWhilePaging_ContinuesAcknowledgedWithResolutionDeadline()
    {
        var (context, continued, _) = CreateSut(EscalationEvents.Acknowledged);

        await new EscalationOrchestrator().RunAsync(context.Object, Input(new EscalationPosition { LevelIndex = 1, Pages = 1 }));

        var next = Assert.IsType<EscalationInput>(Assert.Single(continued)).Position;
        Assert.Equal(
            (EscalationMode.Acknowledged, 1, "alice", (DateTimeOffset?)new DateTimeOffset(Now.AddHours(4))),
            (next.Mode, next.LevelIndex, next.AcknowledgedBy, next.ResolutionDeadline));
    }

    [Fact]
    public async Task RunAsync_Stop_EndsWithoutContinuing()
    {
        var (context, continued, _) = CreateSut(EscalationEvents.Stop);

        var result = await new EscalationOrchestrator().RunAsync(context.Object, Input(new EscalationPosition { LevelIndex = 2, Pages = 2 }));

        Assert.Empty(continued);
        Assert.Equal((3, 3, "alice"), (result.LastLevel, result.Pages, result.StoppedBy));
    }

    [Fact]
    public async Task RunAsync_ResolutionTimeoutAtLastLevel_ResumesPagingTheLastLevel()
    {
        var (context, continued, activities) = CreateSut();

        await new EscalationOrchestrator().RunAsync(context.Object, Input(new EscalationPosition
        {
            LevelIndex = 4,
            Pages = 5,
            Mode = EscalationMode.Acknowledged,
            AcknowledgedBy = "alice",
            ResolutionDeadline = new DateTimeOffset(Now),
        }));

        var next = Assert.IsType<EscalationInput>(Assert.Single(continued)).Position;
        Assert.Equal((EscalationMode.Paging, 4, true, null), (next.Mode, next.LevelIndex, next.Resumed, next.AcknowledgedBy));
        Assert.Equal("not resolved within 4 h of the acknowledgement at L5; escalation resumes at L5", next.Note);
        Assert.Empty(activities);
    }
}
