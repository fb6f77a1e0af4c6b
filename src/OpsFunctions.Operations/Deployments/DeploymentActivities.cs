using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Integrations.Traffic;
using OpsFunctions.Operations.Approvals;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Deployments;

/// <summary>The retry policies of the deployment activities.</summary>
public static class DeploymentActivityOptions
{
    /// <summary>Records and notifications: three attempts, 2 s then 4 s apart.</summary>
    public static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromSeconds(2), backoffCoefficient: 2));

    /// <summary>Traffic: five attempts, 1 s doubling; returning traffic to stable is what matters most.</summary>
    public static readonly TaskOptions Traffic = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(1), backoffCoefficient: 2));
}

/// <summary>The input of <see cref="ApplyTraffic"/>.</summary>
public sealed record ApplyTrafficInput(TrafficTarget Target, IReadOnlyList<TrafficBackend> Backends);

/// <summary>Sets the weights through the service's traffic provider; a provider's refusal fails the activity, so the retry policy applies.</summary>
public sealed class ApplyTraffic(ITrafficRouter router) : TaskActivity<ApplyTrafficInput, TrafficChange>
{
    public override async Task<TrafficChange> RunAsync(TaskActivityContext context, ApplyTrafficInput input)
    {
        var change = await router.ApplyAsync(input.Target, input.Backends, CancellationToken.None);
        return change.Success ? change : throw new InvalidOperationException(change.Error ?? change.Detail);
    }
}

/// <summary>The input of <see cref="RecordDeployment"/>: the record to upsert and timeline entries to append.</summary>
public sealed record RecordDeploymentInput(DeploymentRecord Record, IReadOnlyList<TimelineEntry> Timeline);

/// <summary>Upserts the deployment record and appends timeline entries.</summary>
public sealed class RecordDeployment(IDeploymentStore store) : TaskActivity<RecordDeploymentInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, RecordDeploymentInput input)
    {
        await store.UpsertAsync(input.Record, CancellationToken.None);
        if (input.Timeline.Count > 0)
        {
            await store.AppendTimelineAsync(input.Record.Id, input.Timeline, CancellationToken.None);
        }

        return true;
    }
}

/// <summary>The input of <see cref="NotifyDeployment"/>.</summary>
/// <param name="Record">The deployment as it stands.</param>
/// <param name="Event">The machine name: <c>deployment.started</c>, <c>deployment.paused</c>, <c>deployment.succeeded</c>, <c>deployment.aborted</c>...</param>
/// <param name="Text">What happened, for people.</param>
/// <param name="Contacts">Who hears about it.</param>
/// <param name="OfferCommands">Whether the message carries signed promote and abort links.</param>
/// <param name="At">When.</param>
public sealed record NotifyDeploymentInput(DeploymentRecord Record, string Event, string Text, IReadOnlyList<Contact> Contacts, bool OfferCommands, DateTimeOffset At);

/// <summary>
/// Sends a deployment's news to its contacts, with signed promote and abort links when it waits for a person, and puts
/// each channel's outcome on the timeline. A failing channel is recorded, never thrown: the rollout goes on.
/// </summary>
public sealed class NotifyDeployment(INotificationSender sender, IDeploymentStore store, IActionLinks? links = null)
    : TaskActivity<NotifyDeploymentInput, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, NotifyDeploymentInput input)
    {
        var record = input.Record;
        List<ChannelTarget> targets = [.. input.Contacts.SelectMany(c => c.Targets()).Distinct()];
        if (targets.Count == 0)
        {
            return 0;
        }

        var commandLinks = new List<NotificationLink>();
        if (input.OfferCommands && links is not null)
        {
            var eventName = RolloutIds.CommandEvent(record.Id);
            commandLinks.Add(new("Promote", await links.CreateAsync(record.InstanceId, eventName, RolloutDecisions.Promote, null, CancellationToken.None), NotificationLinkStyle.Primary));
            commandLinks.Add(new("Abort", await links.CreateAsync(record.InstanceId, eventName, RolloutDecisions.Abort, null, CancellationToken.None), NotificationLinkStyle.Danger));
        }

        var notification = new Notification
        {
            Title = $"{record.Service} {record.Version}: {record.State}",
            DedupKey = $"opsfunctions-deployment-{record.Id}",
            Event = input.Event,
            Status = record.State.ToString(),
            Correlation = record.Id,
            Summary = input.Text,
            Fields =
            [
                new("Service", record.Service),
                new("Version", record.Version),
                new("Weight", $"{record.Weight} %"),
                new("Step", $"{record.StepIndex + 1} of {record.StepCount}"),
                new("Started by", record.StartedBy),
            ],
            Links = commandLinks,
            Tone = record.State switch
            {
                DeploymentState.Succeeded => NotificationTone.Success,
                DeploymentState.Aborted or DeploymentState.Failed => NotificationTone.Alert,
                DeploymentState.Paused => NotificationTone.Warning,
                _ => NotificationTone.Info,
            },
            Source = "deployments",
            OccurredAt = input.At,
        };
        IReadOnlyList<DeliveryResult> results;
        try
        {
            results = await sender.SendAllAsync(targets, notification, CancellationToken.None);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            await store.AppendTimelineAsync(record.Id, [new(input.At, "system", DeploymentTimelineKinds.Notification, $"notification failed: {failure.Message}")], CancellationToken.None);
            return 0;
        }

        var entries = results.Select(r => new TimelineEntry(
            input.At,
            "system",
            DeploymentTimelineKinds.Notification,
            r.Success ? $"{input.Event} to {r.Channel.ToString().ToLowerInvariant()} {r.Target}: delivered" : $"{input.Event} to {r.Channel.ToString().ToLowerInvariant()} {r.Target}: FAILED ({r.Error ?? "no reason given"})"));
        await store.AppendTimelineAsync(record.Id, [.. entries], CancellationToken.None);
        return results.Count(r => r.Success);
    }
}

/// <summary>The input of <see cref="OpenRolloutIncident"/>.</summary>
public sealed record OpenRolloutIncidentInput(DeploymentRecord Record, string Reason);

/// <summary>
/// Opens an incident for a rollout that aborted by itself, through the incident feature (one per deployment: the
/// incident id derives from the deployment id, so a retried activity opens none twice). Returns the incident id.
/// </summary>
public sealed class OpenRolloutIncident(DurableTaskClient client) : TaskActivity<OpenRolloutIncidentInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, OpenRolloutIncidentInput input)
    {
        var record = input.Record;
        var id = $"{IncidentIds.Prefix}deployment-{record.Id}";
        var request = new IncidentRequest
        {
            Title = $"Rollout of {record.Service} {record.Version} aborted",
            Service = record.Service,
            Severity = Severity.High,
            Description = input.Reason,
            OpenedBy = "deployments",
            Source = IncidentSources.Manual,
            Labels = new Dictionary<string, string> { ["service"] = record.Service, ["deployment"] = record.Id, ["version"] = record.Version },
        };
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(IncidentOrchestrator), request, new StartOrchestrationOptions(id), CancellationToken.None);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // Opened by an earlier attempt of this activity.
        }

        return id;
    }
}
