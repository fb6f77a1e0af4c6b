using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace OpsFunctions.Operations.Incidents;

/// <summary>What a delivery did.</summary>
public enum DeliveryDisposition
{
    /// <summary>The payload does not validate; see <see cref="AlertmanagerDeliveryResult.Errors"/>.</summary>
    Rejected,

    /// <summary>A new incident started for the group.</summary>
    Started,

    /// <summary>The group's running incident got <see cref="IncidentEvents.AlertsUpdated"/>.</summary>
    Updated,

    /// <summary>Nothing to do: only resolved alerts for a group with no running incident.</summary>
    Ignored,
}

/// <summary>The outcome of <see cref="AlertmanagerDelivery.DeliverAsync"/>.</summary>
public sealed record AlertmanagerDeliveryResult(DeliveryDisposition Disposition, string? InstanceId, IReadOnlyList<PayloadError> Errors);

/// <summary>
/// Applies the incident identity rule of <see cref="IncidentIds"/> to one Alertmanager delivery, through the
/// client only: the webhook endpoint validates nothing else and calls this.
/// </summary>
public static class AlertmanagerDelivery
{
    private const int MaxAttempts = 3;

    public static async Task<AlertmanagerDeliveryResult> DeliverAsync(DurableTaskClient client, AlertmanagerWebhook payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(payload);
        var errors = payload.Validate();
        if (errors.Count > 0)
        {
            return new AlertmanagerDeliveryResult(DeliveryDisposition.Rejected, null, errors);
        }

        var prefix = IncidentIds.GroupPrefix(payload.Receiver!, payload.GroupKey!);
        var firing = payload.Alerts!.Any(a => a.Status == "firing");
        for (var attempt = 1; ; attempt++)
        {
            var (latest, running) = await FindLatestAsync(client, prefix, cancellationToken);
            if (running)
            {
                try
                {
                    await client.RaiseEventAsync(latest!, IncidentEvents.AlertsUpdated, payload.ToAlertsUpdate(), cancellationToken);
                    return new AlertmanagerDeliveryResult(DeliveryDisposition.Updated, latest, []);
                }
                catch (InvalidOperationException) when (attempt < MaxAttempts)
                {
                    // It ended between the lookup and the event: look again.
                    continue;
                }
            }

            if (!firing)
            {
                return new AlertmanagerDeliveryResult(DeliveryDisposition.Ignored, latest, []);
            }

            var next = IncidentIds.Next(prefix, latest is null ? [] : [latest]);
            try
            {
                await client.ScheduleNewOrchestrationInstanceAsync(
                    nameof(IncidentOrchestrator), payload.ToIncidentRequest(), new StartOrchestrationOptions(next), cancellationToken);
                return new AlertmanagerDeliveryResult(DeliveryDisposition.Started, next, []);
            }
            catch (OrchestrationAlreadyExistsException) when (attempt < MaxAttempts)
            {
                // Another delivery of the group started it first: this one becomes an update.
            }
        }
    }

    private static async Task<(string? Latest, bool Running)> FindLatestAsync(DurableTaskClient client, string prefix, CancellationToken cancellationToken)
    {
        // Most deliveries are for a group's first incident, new or open: one point read answers them. The prefix query
        // walks every instance of the group (on Azure Storage a partition range, several requests on Azurite); it is left
        // for groups whose first incident has ended.
        var first = prefix + "1";
        var head = await client.GetInstanceAsync(first, getInputsAndOutputs: false, cancellationToken);
        if (head is null)
        {
            return (null, false);
        }

        if (!head.IsCompleted)
        {
            return (first, true);
        }

        OrchestrationMetadata? latest = null;
        var highest = 0;
        await foreach (var instance in client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix }).WithCancellation(cancellationToken))
        {
            if (IncidentIds.TryGetIncarnation(instance.InstanceId, prefix, out var incarnation) && incarnation > highest)
            {
                highest = incarnation;
                latest = instance;
            }
        }

        // Pending, Running, Suspended, or between two executions of a ContinueAsNew: the instance will see the event.
        var running = latest is { IsCompleted: false };
        return (latest?.InstanceId, running);
    }
}
