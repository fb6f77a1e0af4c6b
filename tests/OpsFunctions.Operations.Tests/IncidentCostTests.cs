using DurableTask.Core.History;
using Moq;
using OpsFunctions.Operations.Escalation;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests;

/// <summary>
/// What opening and steering an incident costs the store: every activity is a work item and a result message, every
/// event raised through the client a read and a send, every prefix query a scan.
/// </summary>
public sealed class IncidentCostTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task<(string[] Activities, string[] Events, string[] Sent)> HistoryAsync(IncidentTestHost sut, string instanceId)
    {
        var history = await sut.Host.Client.GetOrchestrationHistoryAsync(instanceId, Cancellation);
        return (
            [.. history.OfType<TaskScheduledEvent>().Select(e => e.Name ?? string.Empty)],
            [.. history.OfType<EventRaisedEvent>().Select(e => e.Name)],
            [.. history.OfType<EventSentEvent>().Select(e => $"{e.Name} to {e.InstanceId}")]);
    }

    [Fact]
    public async Task Open_CurrentRevision_LadderPagesL1WithoutAnnouncingIt()
    {
        await using var sut = await IncidentTestHost.StartAsync();

        var id = await sut.OpenAsync(IncidentTestHost.Request());

        var incident = await HistoryAsync(sut, id);
        Assert.Equal([nameof(SelectEscalationPolicy), nameof(RecordIncident), nameof(NotifyIncident), nameof(RunIncidentDiagnostics)], incident.Activities);
        Assert.Empty(incident.Events);
        var ladder = await HistoryAsync(sut, IncidentIds.EscalationOf(id));
        Assert.Equal([nameof(NotifyIncident)], ladder.Activities);
        Assert.Equal(1, (await sut.RecordAsync(id)).EscalationLevel);
        Assert.Equal(1, Assert.Single(sut.Notifier.Pages).Level);
    }

    [Fact]
    public async Task Open_InitialRevision_KeepsTheSignalsItRecorded()
    {
        // An incident started before revisions replays as recorded: the ladder announces L1 through SignalInstance and
        // the incident records the level it hears of.
        await using var sut = await IncidentTestHost.StartAsync();

        var id = await sut.OpenAsync(IncidentTestHost.Request() with { Revision = IncidentRevisions.Initial });

        var incident = await HistoryAsync(sut, id);
        Assert.Equal(
            [nameof(SelectEscalationPolicy), nameof(RecordIncident), nameof(NotifyIncident), nameof(RunIncidentDiagnostics), nameof(RecordIncident)],
            incident.Activities);
        Assert.Equal([EscalationEvents.Progress], incident.Events);
        Assert.Equal([nameof(NotifyIncident), nameof(SignalInstance)], (await HistoryAsync(sut, IncidentIds.EscalationOf(id))).Activities);
        Assert.Equal(1, (await sut.RecordAsync(id)).EscalationLevel);
    }

    [Fact]
    public async Task EscalateAcknowledgeResolve_CurrentRevision_IncidentAndLadderSendEachOtherEvents()
    {
        await using var sut = await IncidentTestHost.StartAsync();
        var id = await sut.OpenAsync(IncidentTestHost.Request());
        var ladderId = IncidentIds.EscalationOf(id);
        await sut.AdvanceAsync(TimeSpan.FromMinutes(15));

        // The ladder tells the incident of L2 in its own commit: no SignalInstance work item, no read of the incident.
        var ladder = await HistoryAsync(sut, ladderId);
        Assert.Equal([nameof(NotifyIncident)], ladder.Activities);
        Assert.Equal([$"{EscalationEvents.Progress} to {id}"], ladder.Sent);
        Assert.Equal(2, (await sut.RecordAsync(id)).EscalationLevel);

        await sut.RaiseAsync(id, IncidentEvents.Acknowledged, new IncidentAction("alice"));
        await sut.RaiseAsync(id, IncidentEvents.Resolved, new IncidentAction("alice"));

        var done = await sut.CompletionAsync(id);
        Assert.Contains("escalation stopped at L2 after 2 page(s)", done.ReadOutputAs<IncidentOutcome>()!.Report, StringComparison.Ordinal);
        var incident = await HistoryAsync(sut, id);
        Assert.DoesNotContain(nameof(SignalInstance), incident.Activities);
        Assert.Equal([$"{IncidentEvents.Acknowledged} to {ladderId}", $"{EscalationEvents.Stop} to {ladderId}"], incident.Sent);
        Assert.Equal(new EscalationResult(2, 2, EscalationMode.Acknowledged, "alice"), (await sut.CompletionAsync(ladderId)).ReadOutputAs<EscalationResult>());
    }

    [Fact]
    public async Task DeliverAsync_FirstIncarnation_FoundByAPointReadWithoutAQuery()
    {
        await using var sut = await IncidentTestHost.StartAsync();
        var queries = 0;
        var client = CountingClient(sut.Host.Client, () => queries++);
        var payload = new AlertmanagerWebhook
        {
            Version = "4",
            Receiver = "ops",
            GroupKey = "{}:{alertname=\"HighErrorRate\"}",
            Status = "firing",
            Alerts =
            [
                new AlertmanagerAlert
                {
                    Status = "firing",
                    Labels = new() { ["alertname"] = "HighErrorRate", ["service"] = "payments", ["severity"] = "critical" },
                    StartsAt = new DateTimeOffset(2026, 1, 5, 7, 58, 0, TimeSpan.Zero),
                    Fingerprint = "c0ffee0000000001",
                },
            ],
        };
        var first = IncidentIds.ForGroup("ops", "{}:{alertname=\"HighErrorRate\"}");

        // A new group and its repeats: incarnation 1 answers every lookup.
        var opened = await AlertmanagerDelivery.DeliverAsync(client, payload, Cancellation);
        sut.Track(first);
        await sut.SettleAsync();
        var repeated = await AlertmanagerDelivery.DeliverAsync(client, payload, Cancellation);
        await sut.SettleAsync();
        Assert.Equal((DeliveryDisposition.Started, first, DeliveryDisposition.Updated, first), (opened.Disposition, opened.InstanceId, repeated.Disposition, repeated.InstanceId));
        Assert.Equal(0, queries);

        // Once incarnation 1 has ended, the group's instances are listed to find the latest.
        await sut.RaiseAsync(first, IncidentEvents.Resolved, new IncidentAction("bob"));
        await sut.CompletionAsync(first);
        var again = await AlertmanagerDelivery.DeliverAsync(client, payload, Cancellation);
        sut.Track(again.InstanceId!);
        await sut.SettleAsync();
        var update = await AlertmanagerDelivery.DeliverAsync(client, payload, Cancellation);
        Assert.Equal(
            (DeliveryDisposition.Started, IncidentIds.ForGroup("ops", "{}:{alertname=\"HighErrorRate\"}", 2), DeliveryDisposition.Updated, again.InstanceId),
            (again.Disposition, again.InstanceId, update.Disposition, update.InstanceId));
        Assert.Equal(2, queries);
    }

    /// <summary>The test host's client, counting the prefix queries that pass through it.</summary>
    private static DurableTaskClient CountingClient(DurableTaskClient inner, Action onQuery)
    {
        var client = new Mock<DurableTaskClient>("counting") { CallBase = true };
        client.Setup(c => c.GetInstancesAsync(It.IsAny<string>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .Returns((string id, bool inputs, CancellationToken ct) => inner.GetInstancesAsync(id, inputs, ct));
        client.Setup(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()))
            .Returns((string id, string name, object? payload, CancellationToken ct) => inner.RaiseEventAsync(id, name, payload, ct));
        client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .Returns((TaskName name, object? input, StartOrchestrationOptions? options, CancellationToken ct) => inner.ScheduleNewOrchestrationInstanceAsync(name, input, options, ct));
        client.Setup(c => c.GetAllInstancesAsync(It.IsAny<OrchestrationQuery?>()))
            .Returns((OrchestrationQuery? query) =>
            {
                onQuery();
                return inner.GetAllInstancesAsync(query);
            });
        return client.Object;
    }
}
