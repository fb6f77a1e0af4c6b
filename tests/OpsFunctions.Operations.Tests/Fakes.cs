using System.Collections.Concurrent;
using System.Globalization;
using OpsFunctions.Integrations.Diagnostics;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Operations.Approvals;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests;

/// <summary>One notification as the sender received it, with its targets and the fake clock's time.</summary>
public sealed record SentNotification(DateTimeOffset At, Notification Notification, IReadOnlyList<ChannelTarget> Targets)
{
    /// <summary>Gets the incident notice it words, read back from its event (<c>incident.escalated</c>).</summary>
    public NotificationKind Kind => Enum.Parse<NotificationKind>(Notification.Event["incident.".Length..], ignoreCase: true);

    /// <summary>Gets the escalation level of a ladder page, from its <c>Level</c> field; null for a route notification.</summary>
    public int? Level => Field("Level") is { } level ? int.Parse(level[1..], CultureInfo.InvariantCulture) : null;

    /// <summary>Gets who acknowledged or resolved, from its <c>By</c> field.</summary>
    public string? Actor => Field("By");

    /// <summary>Gets every target's address, in order.</summary>
    public IReadOnlyList<string> Addresses => [.. Targets.Select(t => t.Address)];

    private string? Field(string name) => Notification.Fields.FirstOrDefault(f => f.Name == name)?.Value;
}

/// <summary>Records every notification; delivers on every channel unless a channel is told to fail.</summary>
public sealed class RecordingSender(TimeProvider time) : INotificationSender
{
    private readonly ConcurrentQueue<SentNotification> _sent = new();

    /// <summary>Gets or sets the channel that fails, if any.</summary>
    public ChannelKind? FailingChannel { get; set; }

    public IReadOnlyList<SentNotification> Sent => [.. _sent];

    /// <summary>Gets the ladder pages (notifications to a level), in order.</summary>
    public IReadOnlyList<SentNotification> Pages => [.. _sent.Where(s => s.Level is not null)];

    /// <summary>Gets the route notifications (no level), in order.</summary>
    public IReadOnlyList<SentNotification> RouteNotifications => [.. _sent.Where(s => s.Level is null)];

    public async Task<DeliveryResult> SendAsync(ChannelTarget target, Notification notification, CancellationToken cancellationToken)
        => (await SendAllAsync([target], notification, cancellationToken))[0];

    public Task<IReadOnlyList<DeliveryResult>> SendAllAsync(IEnumerable<ChannelTarget> targets, Notification notification, CancellationToken cancellationToken)
    {
        List<ChannelTarget> all = [.. targets];
        _sent.Enqueue(new SentNotification(time.GetUtcNow(), notification, all));
        IReadOnlyList<DeliveryResult> results =
        [
            .. all.Select(t => new DeliveryResult
            {
                Channel = t.Kind,
                Target = t.Redacted(),
                Success = t.Kind != FailingChannel,
                Error = t.Kind == FailingChannel ? "503 Service Unavailable" : null,
                Attempts = 1,
            }),
        ];
        return Task.FromResult(results);
    }
}

/// <summary>Links that name the instance and the event, as the host's approval tokens would.</summary>
public sealed class FakeActionLinks : IActionLinks
{
    public Task<Uri> CreateAsync(string instanceId, string eventName, string decision, string? actor, CancellationToken cancellationToken)
        => Task.FromResult(new Uri($"https://ops.test/api/approvals/{Uri.EscapeDataString(instanceId)}.{eventName}"));
}

/// <summary>Health checks that find every URL healthy.</summary>
public sealed class HealthyChecks : IHttpHealthCheck
{
    public Task<HealthCheckResult> CheckAsync(HealthCheckRequest request, CancellationToken cancellationToken)
        => Task.FromResult(new HealthCheckResult { Url = request.Url.AbsoluteUri, Healthy = true, StatusCode = 200, Latency = TimeSpan.FromMilliseconds(12) });
}
