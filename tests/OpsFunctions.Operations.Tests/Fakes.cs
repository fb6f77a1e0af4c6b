using System.Collections.Concurrent;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests;

/// <summary>One notification as the notifier received it, with the fake clock's time.</summary>
public sealed record SentNotification(DateTimeOffset At, IncidentNotification Notification)
{
    public NotificationKind Kind => Notification.Kind;

    public int? Level => Notification.Level;
}

/// <summary>Records every notification; delivers on every channel unless a channel is told to fail.</summary>
public sealed class RecordingNotifier(TimeProvider time) : IIncidentNotifier
{
    private readonly ConcurrentQueue<SentNotification> _sent = new();

    /// <summary>Gets or sets the channel (<see cref="NotificationChannels"/>) that fails, if any.</summary>
    public string? FailingChannel { get; set; }

    public IReadOnlyList<SentNotification> Sent => [.. _sent];

    /// <summary>Gets the ladder pages (notifications to a level), in order.</summary>
    public IReadOnlyList<SentNotification> Pages => [.. _sent.Where(s => s.Level is not null)];

    /// <summary>Gets the route notifications (no level), in order.</summary>
    public IReadOnlyList<SentNotification> RouteNotifications => [.. _sent.Where(s => s.Level is null)];

    public Task<IReadOnlyList<DeliveryOutcome>> NotifyAsync(IncidentNotification notification, CancellationToken cancellationToken)
    {
        _sent.Enqueue(new SentNotification(time.GetUtcNow(), notification));
        IReadOnlyList<DeliveryOutcome> outcomes =
        [
            .. notification.Contacts.SelectMany(c => c.Channels()).Select(c => c.Channel == FailingChannel
                ? new DeliveryOutcome(c.Channel, c.Target, false, "503 Service Unavailable")
                : new DeliveryOutcome(c.Channel, c.Target, true)),
        ];
        return Task.FromResult(outcomes);
    }
}

/// <summary>Links that name the instance and the event, as the host's approval tokens would.</summary>
public sealed class FakeActionLinks : IActionLinks
{
    public Task<Uri> CreateAsync(string instanceId, string eventName, string? actor, CancellationToken cancellationToken)
        => Task.FromResult(new Uri($"https://ops.test/api/approvals/{Uri.EscapeDataString(instanceId)}.{eventName}"));
}

/// <summary>Diagnostics that answer with fixed lines.</summary>
public sealed class FakeDiagnostics : IDiagnosticsRunner
{
    public Task<IReadOnlyList<string>> RunAsync(DiagnosticsRequest request, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<string>>([$"GET https://{request.Service}.test/health: 200 OK", "up{job=\"payments\"} = 1"]);
}
