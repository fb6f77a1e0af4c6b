using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsFunctions.Durable;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Operations;
using OpsFunctions.Operations.Incidents;
using OpsFunctions.Testing.Alerting;

namespace OpsFunctions.Host.Tests;

public sealed class IncidentTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 6, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Alertmanager_FiringGroup_OpensOneIncidentAndNotifiesRouteAndL1()
    {
        await using var incidents = await IncidentHost.StartAsync();

        var (response, body) = await incidents.PostAlertsAsync(AlertmanagerPayloads.Group("{}:{alertname=\"HighErrorRate\"}"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = body!["id"]!.GetValue<string>();
        Assert.Equal(("opened", false), (body["outcome"]!.GetValue<string>(), body["duplicate"]!.GetValue<bool>()));
        Assert.StartsWith(IncidentIds.Prefix, id, StringComparison.Ordinal);
        await incidents.WaitForRequestAsync("/slack/incidents-critical", "HighErrorRate");
        await incidents.WaitForRequestAsync("/teams/ops", "HighErrorRate");
        var page = await incidents.WaitForRequestAsync("/pagerduty/v2/enqueue", "trigger");
        var hook = await incidents.WaitForRequestAsync("/hook", "incident.triggered");
        await incidents.WaitForRequestAsync("/slack/oncall", "HighErrorRate");
        var record = await incidents.WaitForRecordAsync(id, r => r.EscalationLevel == 1);
        Assert.Equal((IncidentState.Open, Severity.Critical, "checkout", IncidentSources.Alertmanager), (record.State, record.Severity, record.Service, record.Source));
        Assert.Equal($"opsfunctions-{id}", page.Json["dedup_key"]!.GetValue<string>());
        Assert.Contains("/api/approvals/", IncidentHost.Link(hook, "Acknowledge"), StringComparison.Ordinal);
        Assert.Equal(1, await incidents.CountIncidentsAsync());
        var timeline = await incidents.Store.GetTimelineAsync(id, Cancellation);
        Assert.DoesNotContain(timeline, e => e.Text.Contains(IncidentHost.PagerDutyKey, StringComparison.Ordinal) || e.Text.Contains("/hook", StringComparison.Ordinal));
        Assert.Contains(timeline, e => e.Kind == IncidentTimelineKinds.Delivery && e.Text.StartsWith("webhook http://127.0.0.1:", StringComparison.Ordinal) && e.Text.EndsWith("/…: delivered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Diagnostics_ConfiguredForTheService_PutOneLinePerCheckOnTheTimeline()
    {
        await using var incidents = await IncidentHost.StartAsync(extra: receiver => new()
        {
            ["Incidents:Diagnostics:checkout:HealthChecks:0:Url"] = receiver.Url("health?key=secret").ToString(),
            ["Incidents:Diagnostics:checkout:Queries:0"] = "up{job=\"checkout\"}",
            ["Diagnostics:Prometheus:BaseUrl"] = receiver.Url("prometheus/").ToString(),
        });
        var id = await incidents.OpenAsync();

        var timeline = await WaitForTimelineAsync(incidents, id, entries => entries.Count(e => e.Kind == IncidentTimelineKinds.Diagnostics) >= 2);

        var lines = timeline.Where(e => e.Kind == IncidentTimelineKinds.Diagnostics).Select(e => e.Text).ToList();
        Assert.Equal(2, lines.Count);
        Assert.StartsWith($"health check {incidents.Receiver.Url("health")}: healthy (200)", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("query up{job=\"checkout\"}: error", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Diagnostics_HealthCheckWithoutAUrl_StopsStartUpNamingTheKey()
    {
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => IncidentHost.StartAsync(extra: _ => new()
        {
            ["Incidents:Diagnostics:checkout:HealthChecks:0:ExpectedStatus"] = "200",
        }));

        Assert.Contains("Incidents:Diagnostics:checkout:HealthChecks:0:Url", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alertmanager_SecondDeliveryOfTheGroup_UpdatesTheIncident()
    {
        await using var incidents = await IncidentHost.StartAsync();
        var first = await incidents.PostAlertsAsync(AlertmanagerPayloads.Group("group-a"));
        var id = first.Body!["id"]!.GetValue<string>();

        var again = await incidents.PostAlertsAsync(AlertmanagerPayloads.Group("group-a"));
        var more = await incidents.PostAlertsAsync(AlertmanagerPayloads.Group("group-a", count: 2));

        Assert.Equal((HttpStatusCode.Accepted, "updated", id), (again.Response.StatusCode, again.Body!["outcome"]!.GetValue<string>(), again.Body["id"]!.GetValue<string>()));
        Assert.Equal(("updated", id), (more.Body!["outcome"]!.GetValue<string>(), more.Body["id"]!.GetValue<string>()));
        await incidents.WaitForRecordAsync(id, r => r.Alerts.Count == 2);
        Assert.Equal(1, await incidents.CountIncidentsAsync());
    }

    [Fact]
    public async Task Alertmanager_SamePayloadTwiceAtOnce_OpensOneIncident()
    {
        await using var incidents = await IncidentHost.StartAsync();
        var payload = AlertmanagerPayloads.Group("group-race");

        var results = await Task.WhenAll(incidents.PostAlertsAsync(payload), incidents.PostAlertsAsync(payload));

        Assert.All(results, r => Assert.Equal(HttpStatusCode.Accepted, r.Response.StatusCode));
        Assert.Single(results.Select(r => r.Body!["id"]!.GetValue<string>()).Distinct());
        Assert.Equal(["opened", "updated"], results.Select(r => r.Body!["outcome"]!.GetValue<string>()).Order());
        Assert.Equal(1, await incidents.CountIncidentsAsync());
    }

    [Fact]
    public async Task Alertmanager_GroupOfAThousandAlerts_OpensTheIncident()
    {
        await using var incidents = await IncidentHost.StartAsync();
        var payload = AlertmanagerPayloads.Group("group-large", count: 1000);
        Assert.True(Encoding.UTF8.GetByteCount(payload.ToJsonString()) > 4096 * 50, "the payload should be far above the other webhooks' limit");

        var (response, body) = await incidents.PostAlertsAsync(payload);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var record = await incidents.WaitForRecordAsync(body!["id"]!.GetValue<string>(), r => r.Alerts.Count == 1000);
        Assert.All(record.Alerts, a => Assert.Equal(AlertStatus.Firing, a.Status));
    }

    [Fact]
    public async Task Alertmanager_ResolvedDelivery_ResolvesTheIncidentWithAReport()
    {
        await using var incidents = await IncidentHost.StartAsync();
        var id = (await incidents.PostAlertsAsync(AlertmanagerPayloads.Group("group-resolve"))).Body!["id"]!.GetValue<string>();

        var resolved = await incidents.PostAlertsAsync(AlertmanagerPayloads.Group("group-resolve", status: "resolved"));
        await incidents.Host.Client.WaitForInstanceCompletionAsync(id, cancellation: Cancellation);
        var late = await incidents.PostAlertsAsync(AlertmanagerPayloads.Group("group-resolve", status: "resolved"));

        Assert.Equal("updated", resolved.Body!["outcome"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode.OK, "ignored"), (late.Response.StatusCode, late.Body!["outcome"]!.GetValue<string>()));
        var record = await incidents.WaitForRecordAsync(id, r => r.State == IncidentState.Resolved);
        Assert.Equal(IncidentActors.Alertmanager, record.ResolvedBy);
        Assert.NotNull(await incidents.Store.GetReportAsync(id, Cancellation));
    }

    [Theory]
    [InlineData("version", "\"3\"", "version")]
    [InlineData("alerts", null, "alerts")]
    [InlineData("alerts", "[{\"status\":\"firing\",\"fingerprint\":\"f1\"}]", "alerts[0].labels")]
    [InlineData("status", null, "status")]
    [InlineData("receiver", null, "receiver")]
    public async Task Alertmanager_BadPayload_Answers400NamingTheField(string field, string? value, string named)
    {
        await using var incidents = await IncidentHost.StartAsync();
        var payload = AlertmanagerPayloads.Group("group-bad");
        if (value is null)
        {
            payload.Remove(field);
        }
        else
        {
            payload[field] = JsonNode.Parse(value);
        }

        var (response, _) = await incidents.PostAlertsAsync(payload);

        await Problem.AssertNamesFieldAsync(response, named);
        Assert.Equal(0, await incidents.CountIncidentsAsync());
    }

    [Fact]
    public async Task Alertmanager_BodyOverItsLimit_Answers413()
    {
        await using var incidents = await IncidentHost.StartAsync(extra: _ => new() { ["Alertmanager:MaxBodyBytes"] = "10000" });

        var (response, _) = await incidents.PostAlertsAsync(AlertmanagerPayloads.Group("group-limit", count: 100));

        await Problem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Ack_ViaApi_StopsEscalationAndRecordsWhoAndWhen()
    {
        var clock = new FakeTimeProvider(Start);
        await using var incidents = await IncidentHost.StartAsync(clock);
        var id = await incidents.OpenAsync();
        await incidents.WaitForRecordAsync(id, r => r.EscalationLevel == 1);

        // No acknowledgement within L1's minute: L2 is paged.
        await AdvanceToLadderTimerAsync(incidents, clock, id);
        await incidents.WaitForRequestAsync("/slack/seniors", "Checkout down");
        await incidents.WaitForRecordAsync(id, r => r.EscalationLevel == 2);

        using var ack = await incidents.ActAsync(id, "ack", new { actor = "alice", note = "looking" });
        var acknowledgedAt = clock.GetUtcNow();
        Assert.Equal(HttpStatusCode.Accepted, ack.StatusCode);
        var record = await incidents.WaitForRecordAsync(id, r => r.State == IncidentState.Acknowledged);

        // Past L2's two minutes: an unacknowledged ladder would now run out; this one waits for resolution.
        await WaitForLadderToSettleAsync(incidents, id);
        clock.Advance(TimeSpan.FromMinutes(10));
        using var resolve = await incidents.ActAsync(id, "resolve", new { actor = "alice" });
        await incidents.Host.Client.WaitForInstanceCompletionAsync(id, cancellation: Cancellation);

        Assert.Equal(("alice", acknowledgedAt), (record.AcknowledgedBy, record.AcknowledgedAt));
        var timeline = await incidents.Store.GetTimelineAsync(id, Cancellation);
        Assert.DoesNotContain(timeline, e => e.Kind == IncidentTimelineKinds.Unacknowledged);
        Assert.Contains(timeline, e => e.Kind == IncidentTimelineKinds.Acknowledged && e.Actor == "alice" && e.Text.Contains("looking", StringComparison.Ordinal));
        Assert.Equal(2, (await incidents.Store.GetAsync(id, Cancellation))!.EscalationLevel);
    }

    [Fact]
    public async Task Resolve_ViaApi_ClosesTheIncidentAndStoresTheReport()
    {
        await using var incidents = await IncidentHost.StartAsync();
        var id = await incidents.OpenAsync();
        await incidents.WaitForRecordAsync(id, r => r.EscalationLevel == 1);

        using var resolve = await incidents.ActAsync(id, "resolve", new { actor = "bob", note = "rolled back" });
        await incidents.Host.Client.WaitForInstanceCompletionAsync(id, cancellation: Cancellation);
        using var details = await incidents.Functions.GetAsync($"/api/incidents/{id}", Cancellation);
        using var again = await incidents.ActAsync(id, "resolve", new { actor = "bob" });
        using var ackAfter = await incidents.ActAsync(id, "ack", new { actor = "bob" });

        Assert.Equal(HttpStatusCode.Accepted, resolve.StatusCode);
        var body = (await details.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!;
        Assert.Equal(("Resolved", "bob", "carol"), (body["incident"]!["state"]!.GetValue<string>(), body["incident"]!["resolvedBy"]!.GetValue<string>(), body["incident"]!["openedBy"]!.GetValue<string>()));
        Assert.Contains("bob", body["report"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(body["timeline"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == IncidentTimelineKinds.Resolved);
        Assert.Contains("already resolved", (await Problem.AssertAsync(again, HttpStatusCode.Conflict))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await Problem.AssertAsync(ackAfter, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task AckLink_FromANotification_AcknowledgesTheIncident()
    {
        await using var incidents = await IncidentHost.StartAsync();
        var id = (await incidents.PostAlertsAsync(AlertmanagerPayloads.Group("group-link"))).Body!["id"]!.GetValue<string>();
        var hook = await incidents.WaitForRequestAsync("/hook", "incident.triggered");
        var link = IncidentHost.Link(hook, "Acknowledge");

        using var preview = await incidents.Host.Http.GetAsync(link, Cancellation);
        using var redeemed = await RedeemAsync(incidents, link);
        using var twice = await RedeemAsync(incidents, link);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Conflict), (preview.StatusCode, redeemed.StatusCode, twice.StatusCode));
        var record = await incidents.WaitForRecordAsync(id, r => r.State == IncidentState.Acknowledged);
        Assert.Equal("link", record.AcknowledgedBy);
    }

    [Fact]
    public async Task AckLink_ForAnotherIncident_CannotActOnThisOne()
    {
        await using var incidents = await IncidentHost.StartAsync();
        var a = (await incidents.PostAlertsAsync(AlertmanagerPayloads.Group("group-a"))).Body!["id"]!.GetValue<string>();
        var b = (await incidents.PostAlertsAsync(AlertmanagerPayloads.Group("group-b"))).Body!["id"]!.GetValue<string>();
        var hook = await incidents.WaitForRequestAsync("/hook", $"\"correlation\":\"{a}\"");
        var link = IncidentHost.Link(hook, "Acknowledge");

        // The same signature over claims naming B: refused as altered.
        var token = link[(link.LastIndexOf('/') + 1)..];
        var claims = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(0, token.IndexOf('.'))))!;
        claims["i"] = b;
        var forged = $"{System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()))}{token[token.IndexOf('.')..]}";
        using var forgedAnswer = await RedeemAsync(incidents, link.Replace(token, forged, StringComparison.Ordinal));
        using var redeemed = await RedeemAsync(incidents, link);

        Assert.Equal(HttpStatusCode.Forbidden, forgedAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, redeemed.StatusCode);
        await incidents.WaitForRecordAsync(a, r => r.State == IncidentState.Acknowledged);
        Assert.Equal(IncidentState.Open, (await incidents.Store.GetAsync(b, Cancellation))!.State);
    }

    [Fact]
    public async Task AckAndResolve_BadRequests_AnswerClearly()
    {
        await using var incidents = await IncidentHost.StartAsync();
        var id = await incidents.OpenAsync();

        using var unknown = await incidents.ActAsync("inc-unknown-1", "ack", new { actor = "alice" });
        using var noActor = await incidents.ActAsync(id, "ack", new { note = "who?" });
        using var blankActor = await incidents.ActAsync(id, "resolve", new { actor = " " });
        using var noKey = await incidents.Host.Http.PostAsJsonAsync($"/api/incidents/{id}/ack", new { actor = "alice" }, Cancellation);
        using var notAnIncident = await incidents.ActAsync(await incidents.Host.StartSampleAsync(), "ack", new { actor = "alice" });

        await Problem.AssertAsync(unknown, HttpStatusCode.NotFound);
        await Problem.AssertNamesFieldAsync(noActor, "actor");
        await Problem.AssertNamesFieldAsync(blankActor, "actor");
        await Problem.AssertAsync(noKey, HttpStatusCode.Unauthorized);
        await Problem.AssertAsync(notAnIncident, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"service\":\"s\",\"actor\":\"a\"}", "title")]
    [InlineData("{\"title\":\"t\",\"actor\":\"a\"}", "service")]
    [InlineData("{\"title\":\"t\",\"service\":\"s\"}", "actor")]
    [InlineData("{\"title\":\"t\",\"service\":\"s\",\"actor\":\"a\",\"severity\":\"huge\"}", "severity")]
    public async Task Open_BadBody_Answers400NamingTheField(string json, string field)
    {
        await using var incidents = await IncidentHost.StartAsync();

        using var response = await incidents.Functions.PostAsync("/api/incidents", RunningHost.Json(json), Cancellation);

        await Problem.AssertNamesFieldAsync(response, field);
    }

    [Fact]
    public async Task Open_SameIdempotencyKeyTwice_OpensOneIncident()
    {
        await using var incidents = await IncidentHost.StartAsync();

        var first = await OpenWithKeyAsync(incidents, "open-1");
        var second = await OpenWithKeyAsync(incidents, "open-1");

        Assert.Equal((HttpStatusCode.Accepted, false), (first.Status, first.Duplicate));
        Assert.Equal((HttpStatusCode.OK, true, first.Id), (second.Status, second.Duplicate, second.Id));
    }

    [Fact]
    public async Task List_FiltersAndPages()
    {
        await using var incidents = await IncidentHost.StartAsync();
        var ids = new[] { await incidents.OpenAsync("one", "checkout"), await incidents.OpenAsync("two", "checkout", "warning"), await incidents.OpenAsync("three", "search") };
        foreach (var id in ids)
        {
            await incidents.WaitForRecordAsync(id, _ => true);
        }

        var checkout = await ListAsync(incidents, "?service=checkout");
        var medium = await ListAsync(incidents, "?severity=Medium&state=open");
        var firstPage = await ListAsync(incidents, "?top=2");
        var secondPage = await ListAsync(incidents, "?top=2", firstPage.Continuation);

        Assert.Equal(2, checkout.Items.Count);
        Assert.Equal(["two"], medium.Items.Select(i => i!["title"]!.GetValue<string>()));
        Assert.Equal(2, firstPage.Items.Count);
        Assert.NotNull(firstPage.Continuation);
        Assert.Single(secondPage.Items);
        Assert.Null(secondPage.Continuation);
        Assert.Equal(ids.Order(), firstPage.Items.Concat(secondPage.Items).Select(i => i!["id"]!.GetValue<string>()).Order());
    }

    [Theory]
    [InlineData("?top=0", "top")]
    [InlineData("?top=many", "top")]
    [InlineData("?severity=huge", "severity")]
    [InlineData("?state=closed", "state")]
    [InlineData("?openedFrom=yesterday", "openedFrom")]
    public async Task List_BadFilter_Answers400NamingIt(string query, string field)
    {
        await using var incidents = await IncidentHost.StartAsync();

        using var response = await incidents.Functions.GetAsync($"/api/incidents{query}", Cancellation);

        await Problem.AssertNamesFieldAsync(response, field);
    }

    [Fact]
    public async Task Get_UnknownIncident_Answers404()
    {
        await using var incidents = await IncidentHost.StartAsync();

        using var response = await incidents.Functions.GetAsync("/api/incidents/inc-nope-1", Cancellation);

        await Problem.AssertAsync(response, HttpStatusCode.NotFound);
    }

    private static async Task<IReadOnlyList<TimelineEntry>> WaitForTimelineAsync(IncidentHost incidents, string id, Func<IReadOnlyList<TimelineEntry>, bool> condition)
        => await Eventually.ReturnsAsync(
            async () => await incidents.Store.GetTimelineAsync(id, Cancellation) is var timeline && condition(timeline) ? timeline : null,
            $"the timeline of {id}");

    private static async Task<HttpResponseMessage> RedeemAsync(IncidentHost incidents, string link)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, link);
        request.Headers.Accept.ParseAdd("application/json");
        return await incidents.Host.Http.SendAsync(request, Cancellation);
    }

    private static async Task<(HttpStatusCode Status, string Id, bool Duplicate)> OpenWithKeyAsync(IncidentHost incidents, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/incidents")
        {
            Content = RunningHost.Json("{\"title\":\"t\",\"service\":\"s\",\"actor\":\"a\"}"),
        };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await incidents.Functions.SendAsync(request, Cancellation);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!;
        return (response.StatusCode, body["id"]!.GetValue<string>(), body["duplicate"]!.GetValue<bool>());
    }

    private static async Task<(JsonArray Items, string? Continuation)> ListAsync(IncidentHost incidents, string query, string? continuation = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/incidents{query}");
        if (continuation is not null)
        {
            request.Headers.Add("x-ms-continuation-token", continuation);
        }

        using var response = await incidents.Functions.SendAsync(request, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ((await response.Content.ReadFromJsonAsync<JsonArray>(Cancellation))!,
            response.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.First() : null);
    }

    // The ladder's ack timer exists once its step has committed: move the clock to it, not before.
    private static async Task AdvanceToLadderTimerAsync(IncidentHost incidents, FakeTimeProvider clock, string id)
    {
        var pending = await Eventually.ReturnsAsync(
            async () => (await LadderTimersAsync(incidents, id)).Where(t => t > clock.GetUtcNow()).ToArray() is { Length: > 0 } due ? due : null,
            $"the ladder timer of {id}");
        clock.Advance(pending[0] - clock.GetUtcNow() + TimeSpan.FromSeconds(1));
    }

    // After an acknowledgement the ladder's step waits on its resolution timer; wait for that before moving time.
    private static async Task WaitForLadderToSettleAsync(IncidentHost incidents, string id)
    {
        var clock = incidents.Host.Services.GetRequiredService<TimeProvider>();
        await Eventually.HappensAsync(
            async () => (await LadderTimersAsync(incidents, id)).Any(t => t > clock.GetUtcNow() + TimeSpan.FromMinutes(30)),
            $"the resolution timer of {id}");
    }

    private static async Task<IEnumerable<DateTimeOffset>> LadderTimersAsync(IncidentHost incidents, string id)
    {
        var store = incidents.Host.Services.GetRequiredService<IDurableStore>();
        return (await store.ReadHistoryAsync(IncidentIds.EscalationOf(id), Cancellation)).OfType<TimerCreated>().Select(t => t.FireAt);
    }
}
