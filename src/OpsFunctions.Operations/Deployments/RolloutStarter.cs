using System.Text.Json;
using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace OpsFunctions.Operations.Deployments;

/// <summary>How a start went.</summary>
/// <param name="Plan">The plan, when it was started.</param>
/// <param name="Superseded">The deployment it took over from, when one of the service was running.</param>
/// <param name="Freeze">The freeze that refused it.</param>
public sealed record RolloutStart(RolloutPlan? Plan, string? Superseded, DeploymentFreeze? Freeze);

/// <summary>
/// Starts a planned rollout: refused while a freeze covers the service; otherwise on the service's instance, or, when a
/// rollout of the service runs, handed to it to supersede (it returns its traffic to stable first, then continues as new).
/// </summary>
public sealed class RolloutStarter(IDeploymentStore store, IOptionsMonitor<DeploymentOptions> options, TimeProvider time)
{
    /// <summary>Starts <paramref name="plan"/> through <paramref name="client"/> (a host's client: the Function App's comes from its binding).</summary>
    public async Task<RolloutStart> StartAsync(DurableTaskClient client, RolloutPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(plan);
        if (await ActiveFreezeAsync(plan.Service, cancellationToken) is { } freeze)
        {
            return new RolloutStart(null, null, freeze);
        }

        var instanceId = RolloutIds.InstanceOf(plan.Service);
        // With inputs and outputs: the custom status names the deployment that runs.
        var running = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (!IsRunning(running))
        {
            await store.UpsertAsync(Queued(plan, instanceId, "starting"), cancellationToken);
            try
            {
                // Refused for a running id on this project's engine; checked above for hosts whose default replaces it.
                await client.ScheduleNewOrchestrationInstanceAsync(
                    nameof(CanaryRolloutOrchestrator), plan, new StartOrchestrationOptions(instanceId), cancellationToken);
                return new RolloutStart(plan, null, null);
            }
            catch (OrchestrationAlreadyExistsException)
            {
                running = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
            }
        }

        var previous = DeploymentOf(running);
        await store.UpsertAsync(Queued(plan, instanceId, $"waiting for {previous ?? "the running rollout"} to return its traffic to stable"), cancellationToken);
        await client.RaiseEventAsync(instanceId, RolloutIds.SupersedeEvent, plan, cancellationToken);
        return new RolloutStart(plan, previous ?? "the running rollout", null);
    }

    /// <summary>The freeze that covers <paramref name="service"/> now, configured or stored; <see langword="null"/> when none does.</summary>
    public async Task<DeploymentFreeze?> ActiveFreezeAsync(string service, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var configured = options.CurrentValue.Freezes
            .Where(f => f.From <= now && now < f.Until && Covers(f.Services, service))
            .Select(f => new DeploymentFreeze { Name = f.Name, Services = f.Services, Reason = f.Reason, CreatedBy = "configuration", From = f.From, Until = f.Until });
        var stored = (await store.GetFreezesAsync(cancellationToken))
            .Where(f => f.From <= now && (f.Until is null || now < f.Until) && Covers(f.Services, service));
        return configured.Concat(stored).FirstOrDefault();
    }

    private static bool Covers(IReadOnlyList<string> services, string service)
        => services.Count == 0 || services.Contains(service, StringComparer.OrdinalIgnoreCase);

    private static bool IsRunning(OrchestrationMetadata? instance)
        => instance?.RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended;

    private static string? DeploymentOf(OrchestrationMetadata? instance)
    {
        if (instance?.SerializedCustomStatus is not { Length: > 0 } status)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(status);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, "id", StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.String } id
                ? id.Value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static DeploymentRecord Queued(RolloutPlan plan, string instanceId, string reason) => new()
    {
        Id = plan.DeploymentId,
        InstanceId = instanceId,
        Service = plan.Service,
        Version = plan.Version,
        StableVersion = plan.StableVersion,
        Strategy = plan.Strategy,
        State = DeploymentState.Progressing,
        StartedBy = plan.StartedBy,
        Source = plan.Source,
        StartedAt = plan.RequestedAt,
        StepCount = plan.Steps.Count,
        Reason = reason,
        GitHub = plan.GitHub,
        Request = plan.Request,
    };
}
