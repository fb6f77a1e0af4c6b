using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OpsFunctions.Operations.Incidents;

/// <summary>
/// Incident instance ids. One Alertmanager group (<c>receiver</c> + <c>groupKey</c>) has a stable
/// <em>group prefix</em>, <c>inc-</c> followed by 16 lowercase hex digits of SHA-256 over
/// <c>receiver</c>, a newline and <c>groupKey</c>; each incident of the group adds an incarnation
/// number: <c>inc-3f9a0c1d2e4b5a69-1</c>, then <c>-2</c> when the group fires again after the first
/// incident closed.
/// </summary>
/// <remarks>
/// The host's rule for a delivery: read incarnation 1; if there is none, the group is new; if it runs, it is the
/// group's incident. Otherwise list instances whose id starts with <see cref="GroupPrefix"/> and take
/// the highest incarnation. If that instance is Pending, Running or Suspended, raise
/// <see cref="IncidentEvents.AlertsUpdated"/> on it; if there is none or it ended, start incarnation + 1
/// (1 for a new group) with <see cref="AlertmanagerWebhook.ToIncidentRequest"/> (only when the delivery
/// has a firing alert: a <c>resolved</c> delivery for a closed group opens nothing). Two deliveries racing
/// to start the same id: the loser gets <c>OrchestrationAlreadyExistsException</c> and raises the event instead,
/// so a group never has two running incidents. The ids hold only <c>[a-z0-9-]</c>, valid everywhere. Incarnations are
/// never purged out of order by the workflows; an operator who purges a group's first incident while a later one runs
/// makes the next delivery of the group open incarnation 1 again.
/// </remarks>
public static class IncidentIds
{
    /// <summary>What every incident id starts with.</summary>
    public const string Prefix = "inc-";

    /// <summary>The instance id of the escalation ladder of an incident.</summary>
    public static string EscalationOf(string incidentId) => $"{incidentId}:escalation";

    /// <summary>The stable prefix of every incident of one Alertmanager group, ending with <c>-</c>.</summary>
    public static string GroupPrefix(string receiver, string groupKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(receiver);
        ArgumentException.ThrowIfNullOrEmpty(groupKey);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{receiver}\n{groupKey}"));
        return $"{Prefix}{Convert.ToHexStringLower(hash.AsSpan(0, 8))}-";
    }

    /// <summary>The id of incarnation <paramref name="incarnation"/> (1 for the first incident) of a group.</summary>
    public static string ForGroup(string receiver, string groupKey, int incarnation = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(incarnation, 1);
        return GroupPrefix(receiver, groupKey) + incarnation.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the incarnation of an id that starts with <paramref name="groupPrefix"/>.</summary>
    public static bool TryGetIncarnation(string instanceId, string groupPrefix, out int incarnation)
    {
        incarnation = 0;
        return instanceId.StartsWith(groupPrefix, StringComparison.Ordinal)
            && int.TryParse(instanceId.AsSpan(groupPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out incarnation)
            && incarnation >= 1;
    }

    /// <summary>The next incarnation's id given the ids of the group seen so far (1 when there are none).</summary>
    public static string Next(string groupPrefix, IEnumerable<string> existingIds)
    {
        var highest = 0;
        foreach (var id in existingIds)
        {
            if (TryGetIncarnation(id, groupPrefix, out var incarnation) && incarnation > highest)
            {
                highest = incarnation;
            }
        }

        return groupPrefix + (highest + 1).ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>The events an incident waits for; its ladder's are <c>EscalationEvents</c>.</summary>
public static class IncidentEvents
{
    /// <summary>On the incident: a later Alertmanager delivery for the group; payload <see cref="AlertsUpdate"/>.</summary>
    public const string AlertsUpdated = "alertsUpdated";

    /// <summary>On the incident (forwarded to the ladder as <c>EscalationEvents.Acknowledged</c>): someone acknowledged; payload <see cref="IncidentAction"/>.</summary>
    public const string Acknowledged = "acknowledged";

    /// <summary>On the incident: someone resolved it by hand; payload <see cref="IncidentAction"/>.</summary>
    public const string Resolved = "resolved";
}
