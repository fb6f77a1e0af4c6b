using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpsFunctions.Testing.Alerting;
using OpsFunctions.Testing.Email;
using OpsFunctions.Operations.Incidents;
using OpsFunctions.Testing.Http;

namespace OpsFunctions.Host.Tests;

/// <summary>
/// Incident response with real parts: a real Alertmanager posts its webhooks to the running host, local receivers stand
/// in for Slack, Teams, PagerDuty and a webhook, and a local SMTP server takes the email.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed partial class IncidentEndToEndTests
{
    // Real time, on a real host and Alertmanager. Level 1 times out quickly so that the climb is seen; level 2 gives the
    // test's acknowledgement a wide margin on a loaded machine, and the check that level 3 is never paged waits it out.
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Level2AckTimeout = TimeSpan.FromSeconds(15);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AlertGroup_FromAlertmanager_PagesClimbsStopsOnAckAndClosesWhenResolved()
    {
        await using var receivers = await LoopbackReceiver.StartAsync();
        await SmtpSink.EnsureStartedAsync();
        var oncall = $"oncall-{Guid.NewGuid():N}@example.com";
        await using var host = await RunningHost.StartAsync(Settings(receivers, oncall), cancellationToken: Cancellation);
        await using var alertmanager = await AlertmanagerProcess.StartAsync(
            new Uri(host.BaseAddress, "api/alerts/alertmanager"), RunningHost.AlertmanagerToken, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        var labels = new Dictionary<string, string> { ["alertname"] = "CheckoutErrors", ["service"] = "checkout", ["severity"] = "critical" };
        var annotations = new Dictionary<string, string> { ["summary"] = "5xx above 5% on checkout" };

        await alertmanager.PostAlertsAsync([AlertmanagerProcess.Alert(labels, annotations)], Cancellation);

        // The severity route and the first level are paged on every channel.
        await WaitForAsync(() => receivers.Requests.Any(r => r.Path == "/slack/critical"), "the Slack critical channel");
        await WaitForAsync(() => receivers.Requests.Any(r => r.Path == "/pagerduty/v2/enqueue"), "PagerDuty");
        await WaitForAsync(() => receivers.Requests.Any(r => r.Path == "/teams/oncall"), "the Teams webhook");
        await WaitForAsync(() => receivers.Requests.Any(r => r.Path == "/webhook/oncall"), "the signed webhook");
        await WaitForAsync(() => SmtpSink.MessagesTo(oncall).Count > 0, "the email");
        await WaitForAsync(() => receivers.Requests.Any(r => r.Path == "/slack/level1"), "level 1");

        // A second alert of the group and a repeat of the first: updates of the same incident.
        var second = new Dictionary<string, string>(labels) { ["instance"] = "checkout-2" };
        await alertmanager.PostAlertsAsync([AlertmanagerProcess.Alert(labels, annotations), AlertmanagerProcess.Alert(second, annotations)], Cancellation);
        var incident = await SingleIncidentAsync(host);
        await WaitForAsync(async () => (await GetIncidentAsync(host, incident))["incident"]?["alerts"]?.AsArray().Count == 2, "the second alert on the incident");

        // Nobody acknowledges level 1 within its timeout: level 2 is paged.
        await WaitForAsync(() => receivers.Requests.Any(r => r.Path == "/slack/level2"), "level 2");
        var level2Paged = TimeProvider.System.GetTimestamp();

        // Level 2 acknowledges with the link in its page: the climb stops.
        var page = receivers.Requests.First(r => r.Path == "/slack/level2").BodyText;
        var ackLink = AckLink().Match(page);
        Assert.True(ackLink.Success, $"No acknowledge link in the level 2 page: {page}");
        using (var redeemed = await host.Http.PostAsync(ackLink.Value, null, Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, redeemed.StatusCode);
        }

        await WaitForAsync(async () => (string?)(await GetIncidentAsync(host, incident))["incident"]?["state"] == "Acknowledged", "the acknowledgement");
        // Nothing to wait for but time: level 3 would be paged once level 2's timeout runs out after its page.
        var level3Due = Level2AckTimeout + TimeSpan.FromSeconds(3) - TimeProvider.System.GetElapsedTime(level2Paged);
        if (level3Due > TimeSpan.Zero)
        {
            await Task.Delay(level3Due, Cancellation);
        }

        Assert.DoesNotContain(receivers.Requests, r => r.Path == "/slack/level3");

        // Alertmanager says every alert of the group is resolved: the incident closes, with its report.
        var ended = TimeProvider.System.GetUtcNow().AddSeconds(-1);
        await alertmanager.PostAlertsAsync([AlertmanagerProcess.Alert(labels, annotations, ended), AlertmanagerProcess.Alert(second, annotations, ended)], Cancellation);
        await WaitForAsync(async () => (string?)(await GetIncidentAsync(host, incident))["incident"]?["state"] == "Resolved", "the resolution");
        await WaitForAsync(async () => (await GetIncidentAsync(host, incident))["report"] is not null, "the report");
        var closed = await GetIncidentAsync(host, incident);
        var report = (string)closed["report"]!;
        var record = closed["incident"]!;
        var opened = record["openedAt"]!.GetValue<DateTimeOffset>();
        var acknowledged = record["acknowledgedAt"]!.GetValue<DateTimeOffset>() - opened;
        var resolved = record["resolvedAt"]!.GetValue<DateTimeOffset>() - opened;
        // Only lower bounds: how much later than due the steps ran depends on the machine's load.
        Assert.True(acknowledged >= AckTimeout, $"Acknowledged {acknowledged} after opening, before level 1's timeout.");
        Assert.True(resolved >= acknowledged, $"Resolved {resolved} after opening, before its acknowledgement {acknowledged} after.");
        Assert.Contains($"| Time to acknowledge | {IncidentReport.Duration(acknowledged)} |", report, StringComparison.Ordinal);
        Assert.Contains($"| Time to resolve | {IncidentReport.Duration(resolved)} |", report, StringComparison.Ordinal);
        var acknowledgedBy = (string?)record["acknowledgedBy"];
        Assert.False(string.IsNullOrEmpty(acknowledgedBy));
        Assert.Contains($"by {acknowledgedBy}", report, StringComparison.Ordinal);
        await WaitForAsync(() => receivers.Requests.Count(r => r.Path == "/slack/critical") >= 2, "the resolution on the critical channel");
        Assert.Single(await ListIncidentsAsync(host));
    }

    [GeneratedRegex(@"https?://[^""\s\\]+/api/approvals/[A-Za-z0-9._~-]+")]
    private static partial Regex AckLink();

    private static Dictionary<string, string?> Settings(LoopbackReceiver receivers, string oncall)
    {
        var settings = RunningHost.DefaultSettings();
        settings["Notifications:Slack:Channels:critical"] = receivers.Url("/slack/critical").ToString();
        settings["Notifications:Slack:Channels:level1"] = receivers.Url("/slack/level1").ToString();
        settings["Notifications:Slack:Channels:level2"] = receivers.Url("/slack/level2").ToString();
        settings["Notifications:Slack:Channels:level3"] = receivers.Url("/slack/level3").ToString();
        settings["Notifications:Teams:Webhooks:oncall"] = receivers.Url("/teams/oncall").ToString();
        settings["Notifications:PagerDuty:Endpoint"] = receivers.Url("/pagerduty").ToString();
        settings["Notifications:PagerDuty:RoutingKeys:checkout"] = "checkout-routing-key";
        settings["Notifications:Webhook:Secret"] = "end-to-end-webhook-secret";
        settings["Notifications:Email:Host"] = SmtpSink.Host;
        settings["Notifications:Email:Port"] = SmtpSink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Notifications:Email:TlsMode"] = "None";
        settings["Notifications:Email:From"] = "opsfunctions@example.com";
        settings["Incidents:Routes:Critical:0:Name"] = "checkout on-call";
        settings["Incidents:Routes:Critical:0:SlackChannel"] = "critical";
        settings["Incidents:Routes:Critical:0:PagerDutyRoutingKey"] = "checkout";
        settings["Incidents:Routes:Critical:0:TeamsWebhook"] = "oncall";
        settings["Incidents:Routes:Critical:0:WebhookUrl"] = receivers.Url("/webhook/oncall").ToString();
        settings["Incidents:Routes:Critical:0:Email"] = oncall;
        settings["Escalation:Policies:checkout:Match:Service"] = "checkout";
        for (var level = 0; level < 3; level++)
        {
            settings[$"Escalation:Policies:checkout:Levels:{level}:Contacts:0:Name"] = $"level {level + 1}";
            settings[$"Escalation:Policies:checkout:Levels:{level}:Contacts:0:SlackChannel"] = $"level{level + 1}";
            settings[$"Escalation:Policies:checkout:Levels:{level}:AckTimeout"] = (level == 1 ? Level2AckTimeout : AckTimeout).ToString();
        }

        return settings;
    }

    private static async Task<string> SingleIncidentAsync(RunningHost host)
    {
        var incidents = await ListIncidentsAsync(host);
        return (string)Assert.Single(incidents)!["id"]!;
    }

    private static async Task<JsonArray> ListIncidentsAsync(RunningHost host)
    {
        var body = await host.Http.GetStringAsync($"/api/incidents?code={RunningHost.FunctionKey}", Cancellation);
        return JsonNode.Parse(body)!.AsArray();
    }

    private static async Task<JsonNode> GetIncidentAsync(RunningHost host, string id)
        => JsonNode.Parse(await host.Http.GetStringAsync($"/api/incidents/{id}?code={RunningHost.FunctionKey}", Cancellation))!;

    private static Task WaitForAsync(Func<bool> condition, string what) => Eventually.HappensAsync(condition, what);

    private static Task WaitForAsync(Func<Task<bool>> condition, string what) => Eventually.HappensAsync(condition, what);
}
