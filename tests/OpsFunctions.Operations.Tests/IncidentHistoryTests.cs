using DurableTask.Core.History;
using OpsFunctions.Durable;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Operations.Escalation;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests;

/// <summary>
/// A long-lived incident keeps its history bounded: it continues as new, and its ladder goes on across the executions.
/// </summary>
public sealed class IncidentHistoryTests
{
    // An event that changes the alerts costs an execution at most five history events (its OrchestratorStarted and
    // EventRaised, the RecordIncident call, the next OrchestratorStarted and the result); a repeat costs two. The quiet
    // spell's timer and the handover add a few per execution, the start about twenty.
    private const int HistoryBound = (IncidentOrchestrator.EventsPerExecution * 5) + 50;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Alertmanager's delivery number <paramref name="n"/>: 50 alerts take turns; from the 500th, ten of them resolve.</summary>
    private static AlertsUpdate Delivery(int n)
    {
        var alert = IncidentTestHost.Alert($"PodCrashLooping-{n % 50:D2}", severity: "warning");
        return new([n >= 500 && n % 50 < 10 ? alert with { Status = AlertStatus.Resolved, EndsAt = IncidentTestHost.Alert("x").StartsAt.AddHours(1) } : alert]);
    }

    private static async Task<int> HistoryLengthAsync(IncidentTestHost sut, string id)
        => (await sut.Host.Client.GetOrchestrationHistoryAsync(id, Cancellation)).Count;

    private static async Task<int> ExecutionsAsync(IncidentTestHost sut, string id)
        => (await sut.InstanceAsync(id)).ReadInputAs<IncidentRequest>()!.Continuation?.Executions ?? 0;

    [Fact]
    public async Task AlertsUpdated_AThousandDeliveries_HistoryStaysBoundedAndTheLadderKeepsItsTimes()
    {
        await using var sut = await IncidentTestHost.StartAsync();
        var id = await sut.OpenAsync(IncidentTestHost.Request());

        // Bursts of ten deliveries a minute apart, as Alertmanager sends a busy group: 100 minutes in all.
        var longest = 0;
        for (var n = 0; n < 1000; n++)
        {
            await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, Delivery(n));
            if (n % 10 == 9)
            {
                longest = Math.Max(longest, await HistoryLengthAsync(sut, id));
                await sut.AdvanceAsync(TimeSpan.FromMinutes(1));
            }
        }

        Assert.InRange(longest, 1, HistoryBound);
        Assert.InRange(await ExecutionsAsync(sut, id), 9, 11);
        var record = await sut.RecordAsync(id);
        Assert.Equal((IncidentState.Open, 51, 41), (record.State, record.Alerts.Count, record.Alerts.Count(a => a.Status == AlertStatus.Firing)));
        var status = (await sut.InstanceAsync(id)).ReadCustomStatusAs<IncidentStatus>()!;
        Assert.Equal((IncidentState.Open, 3, 41, 51), (status.State, status.EscalationLevel, status.FiringAlerts, status.TotalAlerts));

        // The ladder was handed over at every execution and paged each level once, on its own times: L1 at once,
        // L2 after 15 minutes, L3 after 30 more; L4 would follow at 105 minutes.
        Assert.Equal(
            [(1, sut.Start), (2, sut.Start.AddMinutes(15)), (3, sut.Start.AddMinutes(45))],
            sut.Notifier.Pages.Select(p => (p.Level!.Value, p.At)).ToArray());

        // Acknowledged, the ladder of the latest execution stops climbing; resolved, the incident ends with its report.
        await sut.RaiseAsync(id, IncidentEvents.Acknowledged, new IncidentAction("alice"));
        await sut.AdvanceAsync(TimeSpan.FromMinutes(60));
        Assert.Equal(3, sut.Notifier.Pages.Count);
        await sut.RaiseAsync(id, IncidentEvents.Resolved, new IncidentAction("alice", "restarted the pods"));

        var done = await sut.CompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var outcome = done.ReadOutputAs<IncidentOutcome>()!;
        Assert.Equal((IncidentState.Resolved, "alice", "alice", TimeSpan.FromMinutes(100)), (outcome.State, outcome.AcknowledgedBy, outcome.ResolvedBy, outcome.TimeToAcknowledge));
        Assert.Contains("escalation stopped at L3 after 3 page(s)", outcome.Report, StringComparison.Ordinal);
        Assert.Contains("## Alerts (51)", outcome.Report, StringComparison.Ordinal);
        var ladder = await sut.CompletionAsync(IncidentIds.EscalationOf(id));
        Assert.Equal(new EscalationResult(3, 3, EscalationMode.Acknowledged, "alice"), ladder.ReadOutputAs<EscalationResult>());
        Assert.DoesNotContain(await sut.TimelineAsync(id), e => e.Kind == IncidentTimelineKinds.Error);
    }

    [Fact]
    public async Task AlertsUpdated_DeliveriesWithoutAPause_ContinuesAsNewAtTheHardBound()
    {
        await using var sut = await IncidentTestHost.StartAsync();
        var id = await sut.OpenAsync(IncidentTestHost.Request());

        // No quiet spell ever comes: the execution continues as new once it has handled the most it may.
        var longest = 0;
        for (var n = 0; n < (2 * IncidentOrchestrator.MaxEventsPerExecution) + 10; n++)
        {
            await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, Delivery(n));
            longest = Math.Max(longest, await HistoryLengthAsync(sut, id));
        }

        Assert.Equal(2, await ExecutionsAsync(sut, id));
        Assert.InRange(longest, 1, (IncidentOrchestrator.MaxEventsPerExecution * 5) + 50);
        Assert.Equal(51, (await sut.RecordAsync(id)).Alerts.Count);
        Assert.Single(sut.Notifier.Pages);
        await sut.RaiseAsync(id, IncidentEvents.Resolved, new IncidentAction("bob"));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await sut.CompletionAsync(id)).RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await sut.CompletionAsync(IncidentIds.EscalationOf(id))).RuntimeStatus);
    }

    [Fact]
    public async Task Acknowledged_ThenContinuedAsNew_ResumesEscalationAtTheResolutionDeadline()
    {
        await using var sut = await IncidentTestHost.StartAsync();
        var id = await sut.OpenAsync(IncidentTestHost.Request());
        await sut.AdvanceAsync(TimeSpan.FromMinutes(5));
        await sut.RaiseAsync(id, IncidentEvents.Acknowledged, new IncidentAction("alice"));

        // Enough deliveries, then a quiet minute: the incident hands its acknowledged ladder over and continues as new.
        for (var n = 0; n < IncidentOrchestrator.EventsPerExecution; n++)
        {
            await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, Delivery(n));
        }

        await sut.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await ExecutionsAsync(sut, id));
        Assert.Equal(IncidentState.Acknowledged, (await sut.RecordAsync(id)).State);

        // L1's resolution timeout (4 h from the acknowledgement) still holds: one second short of it nothing is paged.
        await sut.AdvanceAsync(TimeSpan.FromHours(4) - TimeSpan.FromMinutes(1) - TimeSpan.FromSeconds(1));
        Assert.Single(sut.Notifier.Pages);
        await sut.AdvanceAsync(TimeSpan.FromSeconds(1));

        var resumed = sut.Notifier.Pages[^1];
        Assert.Equal((2, NotificationKind.Escalated, sut.Start.AddMinutes(5).AddHours(4)), (resumed.Level!.Value, resumed.Kind, resumed.At));
        Assert.Equal((IncidentState.Open, 2), ((await sut.RecordAsync(id)).State, (await sut.RecordAsync(id)).EscalationLevel));
    }

    [Fact]
    public async Task ContinuedAsNew_HistoryOfTheNewExecution_StartsTheLadderAgainWithoutPaging()
    {
        await using var sut = await IncidentTestHost.StartAsync();
        var id = await sut.OpenAsync(IncidentTestHost.Request());
        for (var n = 0; n < IncidentOrchestrator.EventsPerExecution; n++)
        {
            await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, Delivery(n));
        }

        await sut.AdvanceAsync(TimeSpan.FromMinutes(1));

        // The new execution starts from its carried state: no policy selection, no record, no notification; only the ladder.
        var history = await sut.Host.Client.GetOrchestrationHistoryAsync(id, Cancellation);
        var started = Assert.Single(history.OfType<ExecutionStartedEvent>());
        Assert.Contains("\"continuation\"", started.Input, StringComparison.Ordinal);
        var sub = Assert.Single(history.OfType<SubOrchestrationInstanceCreatedEvent>());
        Assert.Equal((nameof(EscalationOrchestrator), IncidentIds.EscalationOf(id)), (sub.Name, sub.InstanceId));
        Assert.Empty(history.OfType<TaskScheduledEvent>());
        var ladder = (await sut.InstanceAsync(IncidentIds.EscalationOf(id))).ReadInputAs<EscalationInput>()!;
        Assert.Equal((0, 1, sut.Start.AddMinutes(15)), (ladder.Position.LevelIndex, ladder.Position.Pages, ladder.Position.AckDeadline));
        Assert.Single(sut.Notifier.Pages);
    }
}
