using OpsFunctions.Durable;
using OpsFunctions.Durable.Client;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests;

public sealed class AlertmanagerDeliveryTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static AlertmanagerWebhook Payload(string status, string groupKey = "{}:{alertname=\"HighErrorRate\"}") => new()
    {
        Version = "4",
        Receiver = "ops",
        GroupKey = groupKey,
        Status = status,
        CommonLabels = new() { ["alertname"] = "HighErrorRate", ["service"] = "payments", ["severity"] = "critical" },
        Alerts =
        [
            new AlertmanagerAlert
            {
                Status = status,
                Labels = new() { ["alertname"] = "HighErrorRate", ["service"] = "payments", ["severity"] = "critical" },
                StartsAt = new DateTimeOffset(2026, 1, 5, 7, 58, 0, TimeSpan.Zero),
                Fingerprint = "c0ffee0000000001",
            },
        ],
    };

    private static async Task<AlertmanagerDeliveryResult> DeliverAsync(IncidentTestHost sut, AlertmanagerWebhook payload)
    {
        var result = await AlertmanagerDelivery.DeliverAsync(sut.Host.Client, payload, Cancellation);
        if (result.InstanceId is { } id)
        {
            sut.Track(id);
        }

        await sut.SettleAsync();
        return result;
    }

    [Fact]
    public async Task DeliverAsync_RepeatsAndResolution_ReachTheOneRunningIncident()
    {
        await using var sut = await IncidentTestHost.StartAsync();
        var expected = IncidentIds.ForGroup("ops", "{}:{alertname=\"HighErrorRate\"}");

        var first = await DeliverAsync(sut, Payload("firing"));
        var repeat = await DeliverAsync(sut, Payload("firing"));
        var resolved = await DeliverAsync(sut, Payload("resolved"));

        Assert.Equal((DeliveryDisposition.Started, expected), (first.Disposition, first.InstanceId));
        Assert.Equal((DeliveryDisposition.Updated, expected), (repeat.Disposition, repeat.InstanceId));
        Assert.Equal((DeliveryDisposition.Updated, expected), (resolved.Disposition, resolved.InstanceId));
        var done = await sut.CompletionAsync(expected);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(IncidentActors.Alertmanager, done.ReadOutputAs<IncidentOutcome>()!.ResolvedBy);
        var incidents = new List<string>();
        await foreach (var instance in sut.Host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "inc-" }).WithCancellation(Cancellation))
        {
            if (instance.Name == nameof(IncidentOrchestrator))
            {
                incidents.Add(instance.InstanceId);
            }
        }

        Assert.Equal([expected], incidents);
        Assert.Single(sut.Notifier.RouteNotifications, n => n.Kind == NotificationKind.Triggered);
    }

    [Fact]
    public async Task DeliverAsync_GroupFiresAgainAfterClose_OpensTheNextIncarnation()
    {
        await using var sut = await IncidentTestHost.StartAsync();
        await DeliverAsync(sut, Payload("firing"));
        await DeliverAsync(sut, Payload("resolved"));

        var lateResolved = await DeliverAsync(sut, Payload("resolved"));
        var again = await DeliverAsync(sut, Payload("firing"));

        Assert.Equal((DeliveryDisposition.Ignored, IncidentIds.ForGroup("ops", "{}:{alertname=\"HighErrorRate\"}", 1)), (lateResolved.Disposition, lateResolved.InstanceId));
        Assert.Equal((DeliveryDisposition.Started, IncidentIds.ForGroup("ops", "{}:{alertname=\"HighErrorRate\"}", 2)), (again.Disposition, again.InstanceId));
        Assert.True((await sut.InstanceAsync(again.InstanceId!)).IsRunning);
    }

    [Fact]
    public async Task DeliverAsync_InvalidPayload_IsRejectedAndStartsNothing()
    {
        await using var sut = await IncidentTestHost.StartAsync();

        var result = await DeliverAsync(sut, Payload("firing") with { Version = "3" });

        Assert.Equal(DeliveryDisposition.Rejected, result.Disposition);
        Assert.Equal("version", Assert.Single(result.Errors).Field);
        Assert.Empty(sut.Notifier.Sent);
    }

    [Fact]
    public async Task DeliverAsync_DifferentGroups_OpenSeparateIncidents()
    {
        await using var sut = await IncidentTestHost.StartAsync();

        var a = await DeliverAsync(sut, Payload("firing", "{}:{alertname=\"A\"}"));
        var b = await DeliverAsync(sut, Payload("firing", "{}:{alertname=\"B\"}"));

        Assert.Equal((DeliveryDisposition.Started, DeliveryDisposition.Started), (a.Disposition, b.Disposition));
        Assert.NotEqual(a.InstanceId, b.InstanceId);
    }
}
