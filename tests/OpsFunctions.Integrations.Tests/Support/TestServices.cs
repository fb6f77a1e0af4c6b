using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsFunctions.Integrations.Notifications;

namespace OpsFunctions.Integrations.Tests.Support;

/// <summary>Builds the integrations on a service provider from in-memory settings, with fast retries and all logs collected.</summary>
public static class TestServices
{
    public const string WebhookSecret = "webhook-secret-0123456789abcdef";

    /// <summary>Fast resilience: two retries 10 ms apart, 2 s per attempt, and a circuit that needs 100 calls to open.</summary>
    public static Dictionary<string, string?> FastSettings() => new()
    {
        ["Notifications:Resilience:MaxRetryAttempts"] = "2",
        ["Notifications:Resilience:RetryDelay"] = "00:00:00.010",
        ["Notifications:Resilience:MaxRetryDelay"] = "00:00:00.050",
        ["Notifications:Resilience:AttemptTimeout"] = "00:00:05",
        ["Notifications:Resilience:TotalTimeout"] = "00:00:20",
        ["Notifications:Resilience:CircuitBreakerMinimumThroughput"] = "100",
        ["Diagnostics:Resilience:MaxRetryAttempts"] = "1",
        ["Diagnostics:Resilience:RetryDelay"] = "00:00:00.010",
        ["Diagnostics:Resilience:MaxRetryDelay"] = "00:00:00.050",
        ["Notifications:Webhook:Secret"] = WebhookSecret,
    };

    public static ServiceProvider Create(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddOpsIntegrations(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static INotificationSender Sender(this ServiceProvider services) => services.GetRequiredService<INotificationSender>();

    /// <summary>A loopback port nothing listens on.</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static Notification Triggered(string incidentId = "INC-42") => new()
    {
        IncidentId = incidentId,
        Kind = NotificationKind.Triggered,
        Title = "Checkout latency above 2 s",
        Severity = "Critical",
        Summary = "p99 latency of checkout is 3.4 s for 5 minutes.",
        Fields = [new NotificationField("Service", "checkout"), new NotificationField("Level", "L1")],
        AcknowledgeUrl = new Uri("https://ops.example.com/api/approvals/ack-token"),
        ResolveUrl = new Uri("https://ops.example.com/api/approvals/resolve-token"),
        SourceUrl = new Uri("https://prometheus.example.com/graph?g0.expr=latency"),
        Source = "prometheus/checkout",
        OccurredAt = new DateTimeOffset(2026, 11, 23, 5, 0, 0, TimeSpan.Zero),
    };
}
