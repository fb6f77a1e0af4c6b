using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests;

/// <summary>A more severe alert joining an open group raises the incident's severity and pages that severity's route.</summary>
public sealed class IncidentSeverityTests
{
    private static readonly ChannelTarget[] CriticalRoute =
        [ChannelTarget.PagerDuty("default"), ChannelTarget.Slack("#incidents-critical"), ChannelTarget.Email("oncall@example.com")];

    private static IncidentRequest HighRequest(params Alert[] alerts) => IncidentTestHost.Request(alerts) with
    {
        Labels = new Dictionary<string, string> { ["service"] = "payments", ["severity"] = "high" },
    };

    private static List<SentNotification> CriticalRouteTriggers(IncidentTestHost sut)
        => [.. sut.Notifier.RouteNotifications.Where(n => n.Kind == NotificationKind.Triggered && n.Targets.ToHashSet().SetEquals(CriticalRoute))];

    [Fact]
    public async Task AlertsUpdated_CriticalAlertJoinsHighIncident_RaisesSeverityAndPagesTheCriticalRouteOnce()
    {
        await using var sut = await IncidentTestHost.StartAsync();
        var high = IncidentTestHost.Alert("HighErrorRate", severity: "high");
        var critical = IncidentTestHost.Alert("PaymentsDown", severity: "critical");
        var id = await sut.OpenAsync(HighRequest(high));
        Assert.Equal(Severity.High, (await sut.RecordAsync(id)).Severity);
        Assert.Empty(CriticalRouteTriggers(sut));
        await sut.AdvanceAsync(TimeSpan.FromMinutes(3));

        await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, new AlertsUpdate([high, critical]));

        var record = await sut.RecordAsync(id);
        Assert.Equal(Severity.Critical, record.Severity);
        Assert.Equal(Severity.Critical, (await sut.InstanceAsync(id)).ReadCustomStatusAs<IncidentStatus>()!.Severity);
        var timeline = await sut.TimelineAsync(id);
        var raised = Assert.Single(timeline, e => e.Kind == IncidentTimelineKinds.Severity);
        Assert.Equal((sut.Start.AddMinutes(3), IncidentActors.Alertmanager, "severity raised from High to Critical by alert PaymentsDown"), (raised.At, raised.Actor, raised.Text));
        Assert.Contains(timeline, e => e.Kind == IncidentTimelineKinds.Escalation && e.Text == "escalation goes on under policy Default, selected when the incident was High");
        var page = Assert.Single(CriticalRouteTriggers(sut));
        Assert.Equal(sut.Start.AddMinutes(3), page.At);
        Assert.Equal("Critical", page.Notification.Severity);
        Assert.Contains("severity raised from High to Critical by alert PaymentsDown", page.Notification.Summary, StringComparison.Ordinal);
        Assert.Contains(timeline, e => e.Kind == IncidentTimelineKinds.Notification && e.Text.StartsWith("Triggered sent to the Critical route", StringComparison.Ordinal));

        // Alertmanager delivers the group again, and then again with the critical alert alone: nothing new to page.
        await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, new AlertsUpdate([high, critical]));
        await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, new AlertsUpdate([critical]));
        Assert.Single(CriticalRouteTriggers(sut));
        Assert.Single(await sut.TimelineAsync(id), e => e.Kind == IncidentTimelineKinds.Severity);
    }

    [Fact]
    public async Task AlertsUpdated_LessSevereOrResolvedAlerts_NeverLowerOrRaiseTheSeverity()
    {
        await using var sut = await IncidentTestHost.StartAsync();
        var high = IncidentTestHost.Alert("HighErrorRate", severity: "high");
        var id = await sut.OpenAsync(HighRequest(high));
        var routeNotifications = sut.Notifier.RouteNotifications.Count;

        // A warning joins, the high alert resolves, and a critical alert is reported only as resolved: the group is
        // less severe now, and the incident stays High.
        await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, new AlertsUpdate([IncidentTestHost.Alert("DiskFilling", severity: "warning")]));
        await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, new AlertsUpdate([high with { Status = AlertStatus.Resolved }]));
        await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, new AlertsUpdate([IncidentTestHost.Alert("PaymentsDown", AlertStatus.Resolved, severity: "critical")]));

        var record = await sut.RecordAsync(id);
        Assert.Equal((Severity.High, 3), (record.Severity, record.Alerts.Count));
        Assert.Equal(routeNotifications, sut.Notifier.RouteNotifications.Count);
        Assert.DoesNotContain(await sut.TimelineAsync(id), e => e.Kind == IncidentTimelineKinds.Severity);
    }

    [Fact]
    public async Task AlertsUpdated_UnlabelledAlertJoinsWarningIncident_KeepsTheSeverity()
    {
        await using var sut = await IncidentTestHost.StartAsync();
        var warning = IncidentTestHost.Alert("DiskFilling", severity: "warning");
        var id = await sut.OpenAsync(IncidentTestHost.Request(warning) with
        {
            Labels = new Dictionary<string, string> { ["service"] = "payments", ["severity"] = "warning" },
        });
        var unlabelled = IncidentTestHost.Alert("Mystery") with { Labels = new Dictionary<string, string> { ["alertname"] = "Mystery" } };

        await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, new AlertsUpdate([unlabelled]));

        Assert.Equal((Severity.Medium, 2), ((await sut.RecordAsync(id)).Severity, (await sut.RecordAsync(id)).Alerts.Count));
    }

    [Fact]
    public async Task AlertsUpdated_IncidentOfTheInitialRevision_KeepsItsOpeningSeverity()
    {
        // An incident started before severities could rise replays as it was recorded: no raise, no extra page.
        await using var sut = await IncidentTestHost.StartAsync();
        var high = IncidentTestHost.Alert("HighErrorRate", severity: "high");
        var id = await sut.OpenAsync(HighRequest(high) with { Revision = IncidentRevisions.Initial });

        await sut.RaiseAsync(id, IncidentEvents.AlertsUpdated, new AlertsUpdate([IncidentTestHost.Alert("PaymentsDown", severity: "critical")]));

        Assert.Equal((Severity.High, 2), ((await sut.RecordAsync(id)).Severity, (await sut.RecordAsync(id)).Alerts.Count));
        Assert.Empty(CriticalRouteTriggers(sut));
        Assert.True((await sut.InstanceAsync(id)).IsRunning);
    }
}
