using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsFunctions.Integrations.Notifications;

namespace OpsFunctions.Integrations.Tests.Support;

/// <summary>Builds the integrations on a service provider from in-memory settings, with fast retries and all logs collected.</summary>
public static class TestServices
{
    public const string WebhookSecret = "webhook-secret-0123456789abcdef";

    /// <summary>
    /// Fast resilience: two retries 10 ms apart and a circuit that needs 100 calls to open. The timeouts (30 s per
    /// attempt, 2 min in all) are far beyond what a loopback call takes on a loaded machine, because they run on the
    /// wall clock unless a test passes a fake one (and MailKit's socket timeout, which is the attempt timeout, always
    /// does); a test about timeouts sets its own on a <see cref="TimerWatchingTimeProvider"/>.
    /// </summary>
    public static Dictionary<string, string?> FastSettings() => new()
    {
        ["Notifications:Resilience:MaxRetryAttempts"] = "2",
        ["Notifications:Resilience:RetryDelay"] = "00:00:00.010",
        ["Notifications:Resilience:MaxRetryDelay"] = "00:00:00.050",
        ["Notifications:Resilience:AttemptTimeout"] = "00:00:30",
        ["Notifications:Resilience:TotalTimeout"] = "00:02:00",
        ["Notifications:Resilience:CircuitBreakerMinimumThroughput"] = "100",
        ["Diagnostics:Resilience:MaxRetryAttempts"] = "1",
        ["Diagnostics:Resilience:RetryDelay"] = "00:00:00.010",
        ["Diagnostics:Resilience:MaxRetryDelay"] = "00:00:00.050",
        ["Diagnostics:Resilience:AttemptTimeout"] = "00:00:30",
        ["Diagnostics:Resilience:TotalTimeout"] = "00:02:00",
        ["Notifications:Webhook:Secret"] = WebhookSecret,
        ["Traffic:Resilience:MaxRetryAttempts"] = "2",
        ["Traffic:Resilience:RetryDelay"] = "00:00:00.010",
        ["Traffic:Resilience:MaxRetryDelay"] = "00:00:00.050",
        ["Traffic:Resilience:AttemptTimeout"] = "00:00:30",
        ["Traffic:Resilience:TotalTimeout"] = "00:02:00",
        ["Traffic:Resilience:CircuitBreakerMinimumThroughput"] = "100",
    };

    /// <summary>Builds the integrations on <paramref name="time"/>, or on the system clock when none is given.</summary>
    /// <remarks>
    /// The resilience pipelines (retry delays, attempt and total timeouts, the circuit's sampling window), the health
    /// check's timeout and every measured duration take the <see cref="TimeProvider"/> registered here. On a fake
    /// clock, start a call that waits for the clock to move as a <see cref="PendingCall{T}"/>.
    /// </remarks>
    public static ServiceProvider Create(Dictionary<string, string?> settings, TimeProvider? time = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddOpsIntegrations(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static INotificationSender Sender(this ServiceProvider services) => services.GetRequiredService<INotificationSender>();

    /// <summary>A page about an incident, as the incident feature sends one.</summary>
    public static Notification Triggered(string incidentId = "INC-42") => new()
    {
        Event = "incident.triggered",
        Status = "Triggered",
        Correlation = incidentId,
        DedupKey = $"opsfunctions-{incidentId}",
        Alert = AlertAction.Trigger,
        Tone = NotificationTone.Alert,
        Title = "Checkout latency above 2 s",
        Severity = "Critical",
        Summary = "p99 latency of checkout is 3.4 s for 5 minutes.",
        Fields = [new NotificationField("Service", "checkout"), new NotificationField("Level", "L1")],
        Links =
        [
            new NotificationLink("Acknowledge", new Uri("https://ops.example.com/api/approvals/ack-token"), NotificationLinkStyle.Primary),
            new NotificationLink("Resolve", new Uri("https://ops.example.com/api/approvals/resolve-token"), NotificationLinkStyle.Danger),
        ],
        SourceUrl = new Uri("https://prometheus.example.com/graph?g0.expr=latency"),
        Source = "prometheus/checkout",
        OccurredAt = new DateTimeOffset(2026, 11, 23, 5, 0, 0, TimeSpan.Zero),
    };

    /// <summary>The same incident later: a report, an acknowledgement or a resolution, which offer no action links.</summary>
    public static Notification Report() => Triggered() with
    {
        Event = "incident.report", Status = "Incident report", Alert = AlertAction.None, Tone = NotificationTone.Info, Links = [],
    };

    public static Notification Acknowledged() => Triggered() with
    {
        Event = "incident.acknowledged", Status = "Acknowledged", Alert = AlertAction.Acknowledge, Tone = NotificationTone.Info, Links = [],
    };

    public static Notification Resolved() => Triggered() with
    {
        Event = "incident.resolved", Status = "Resolved", Alert = AlertAction.Resolve, Tone = NotificationTone.Success, Links = [],
    };
}
