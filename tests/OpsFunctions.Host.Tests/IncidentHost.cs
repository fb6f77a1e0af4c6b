using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsFunctions.Operations.Incidents;
using OpsFunctions.Testing.Http;
using OpsFunctions.Testing.Incidents;

namespace OpsFunctions.Host.Tests;

/// <summary>
/// A running host wired for incident response, its channels pointed at one loopback receiver standing in for Slack
/// (<c>/slack/{channel}</c>), Teams (<c>/teams/ops</c>), PagerDuty (<c>/pagerduty/v2/enqueue</c>) and the generic
/// webhook (<c>/hook</c>); incidents kept in memory.
/// </summary>
public sealed class IncidentHost : IAsyncDisposable
{
    public const string PagerDutyKey = "pdroutingkey0000000000000000test";

    private IncidentHost(RunningHost host, LoopbackReceiver receiver, InMemoryIncidentStore store)
    {
        Host = host;
        Receiver = receiver;
        Store = store;
        Functions = new HttpClient { BaseAddress = host.BaseAddress };
        Functions.DefaultRequestHeaders.Add("x-functions-key", RunningHost.FunctionKey);
    }

    public RunningHost Host { get; }

    /// <summary>Gets the receiver every channel posts to.</summary>
    public LoopbackReceiver Receiver { get; }

    public InMemoryIncidentStore Store { get; }

    /// <summary>Gets a client that sends the function key.</summary>
    public HttpClient Functions { get; }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <param name="clock">The host's clock, when a test moves time.</param>
    /// <param name="extra">More settings, given the receiver (for addresses on it).</param>
    public static async Task<IncidentHost> StartAsync(FakeTimeProvider? clock = null, Func<LoopbackReceiver, Dictionary<string, string?>>? extra = null)
    {
        var receiver = await LoopbackReceiver.StartAsync();
        var settings = RunningHost.DefaultSettings();
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["Notifications:Slack:DefaultWebhookUrl"] = receiver.Url("slack/default").ToString(),
            ["Notifications:Slack:Channels:incidents-critical"] = receiver.Url("slack/incidents-critical").ToString(),
            ["Notifications:Slack:Channels:incidents"] = receiver.Url("slack/incidents").ToString(),
            ["Notifications:Slack:Channels:oncall"] = receiver.Url("slack/oncall").ToString(),
            ["Notifications:Slack:Channels:seniors"] = receiver.Url("slack/seniors").ToString(),
            ["Notifications:Teams:Webhooks:ops"] = receiver.Url("teams/ops").ToString(),
            ["Notifications:PagerDuty:Endpoint"] = receiver.Url("pagerduty").ToString(),
            ["Notifications:PagerDuty:RoutingKeys:default"] = PagerDutyKey,
            ["Notifications:Webhook:Secret"] = "test-webhook-secret-0123456789",
            ["Notifications:Resilience:MaxRetryAttempts"] = "0",
            ["Incidents:Routes:Critical:0:Name"] = "critical route",
            ["Incidents:Routes:Critical:0:SlackChannel"] = "#incidents-critical",
            ["Incidents:Routes:Critical:0:TeamsWebhook"] = "ops",
            ["Incidents:Routes:Critical:0:PagerDutyRoutingKey"] = "default",
            ["Incidents:Routes:Critical:0:WebhookUrl"] = receiver.Url("hook").ToString(),
            ["Incidents:Routes:High:0:Name"] = "high route",
            ["Incidents:Routes:High:0:SlackChannel"] = "#incidents",
            ["Incidents:Routes:High:0:WebhookUrl"] = receiver.Url("hook").ToString(),
            ["Escalation:Policies:Default:Repeat"] = "0",
            ["Escalation:Policies:Default:Levels:0:Contacts:0:Name"] = "on-call",
            ["Escalation:Policies:Default:Levels:0:Contacts:0:SlackUser"] = "@oncall",
            ["Escalation:Policies:Default:Levels:0:AckTimeout"] = "00:01:00",
            ["Escalation:Policies:Default:Levels:1:Contacts:0:Name"] = "seniors",
            ["Escalation:Policies:Default:Levels:1:Contacts:0:SlackChannel"] = "#seniors",
            ["Escalation:Policies:Default:Levels:1:AckTimeout"] = "00:02:00",
        })
        {
            settings[key] = value;
        }

        foreach (var (key, value) in extra?.Invoke(receiver) ?? [])
        {
            settings[key] = value;
        }

        var store = new InMemoryIncidentStore();
        try
        {
            var host = await RunningHost.StartAsync(
                settings,
                services =>
                {
                    services.AddSingleton<IIncidentStore>(store);
                    if (clock is not null)
                    {
                        services.AddSingleton<TimeProvider>(clock);
                    }
                },
                cancellationToken: Cancellation);
            return new IncidentHost(host, receiver, store);
        }
        catch
        {
            await receiver.DisposeAsync();
            throw;
        }
    }

    public async Task<(HttpResponseMessage Response, JsonObject? Body)> PostAlertsAsync(JsonNode payload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/alerts/alertmanager") { Content = RunningHost.Json(payload.ToJsonString()) };
        request.Headers.Authorization = new("Bearer", RunningHost.AlertmanagerToken);
        var response = await Host.Http.SendAsync(request, Cancellation);
        return (response, response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation) : null);
    }

    public async Task<string> OpenAsync(string title = "Checkout down", string service = "checkout", string severity = "critical")
    {
        using var response = await Functions.PostAsJsonAsync("/api/incidents", new { title, service, severity, description = "by hand", actor = "carol" }, Cancellation);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["id"]!.GetValue<string>();
    }

    public Task<HttpResponseMessage> ActAsync(string id, string action, object body)
        => Functions.PostAsJsonAsync($"/api/incidents/{id}/{action}", body, Cancellation);

    /// <summary>Waits until the stored record satisfies <paramref name="condition"/>.</summary>
    public Task<IncidentRecord> WaitForRecordAsync(string id, Func<IncidentRecord, bool> condition)
        => Eventually.ReturnsAsync(
            async () => await Store.GetAsync(id, Cancellation) is { } record && condition(record) ? record : null,
            $"the record of {id}");

    /// <summary>Waits until a receiver recorded a request whose path ends with <paramref name="path"/> and body contains <paramref name="text"/>.</summary>
    /// <summary>The URL of the link labelled <paramref name="label"/> in a generic webhook's JSON.</summary>
    public static string Link(RecordedRequest hook, string label)
        => hook.Json["links"]!.AsArray().Single(l => l!["label"]!.GetValue<string>() == label)!["url"]!.GetValue<string>();

    public Task<RecordedRequest> WaitForRequestAsync(string path, string text)
        => Eventually.ReturnsAsync(
            () => Task.FromResult(Receiver.Requests.FirstOrDefault(r => r.Path.EndsWith(path, StringComparison.Ordinal) && r.BodyText.Contains(text, StringComparison.Ordinal))),
            $"a request to {path} with '{text}'");

    public async Task<int> CountIncidentsAsync()
        => await Host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = IncidentIds.Prefix })
            .CountAsync(m => m.Name == nameof(IncidentOrchestrator), Cancellation);

    public async ValueTask DisposeAsync()
    {
        Functions.Dispose();
        await Host.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
