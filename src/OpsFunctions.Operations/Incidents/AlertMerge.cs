namespace OpsFunctions.Operations.Incidents;

/// <summary>The alerts after a merge, what changed for people, and whether anything changed at all.</summary>
public sealed record AlertMergeResult(IReadOnlyList<Alert> Alerts, IReadOnlyList<string> Notes, bool Changed)
{
    /// <summary>Gets a value indicating whether the group has alerts and every one is resolved.</summary>
    public bool AllResolved => Alerts.Count > 0 && Alerts.All(a => a.Status == AlertStatus.Resolved);
}

/// <summary>Merges Alertmanager deliveries into an incident's alerts by fingerprint.</summary>
public static class AlertMerge
{
    /// <summary>
    /// Adds alerts with new fingerprints, replaces known ones with the later delivery, and notes status changes
    /// (resolved, firing again, new). A delivery that repeats what is known changes nothing.
    /// </summary>
    public static AlertMergeResult Merge(IReadOnlyList<Alert> current, IReadOnlyList<Alert> incoming)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(incoming);
        var merged = new List<Alert>(current);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < merged.Count; i++)
        {
            index[merged[i].Fingerprint] = i;
        }

        var notes = new List<string>();
        var changed = false;
        foreach (var alert in incoming)
        {
            if (!index.TryGetValue(alert.Fingerprint, out var at))
            {
                index[alert.Fingerprint] = merged.Count;
                merged.Add(alert);
                changed = true;
                notes.Add(alert.Status == AlertStatus.Firing ? $"alert {alert.Name} firing" : $"alert {alert.Name} reported resolved");
                continue;
            }

            var known = merged[at];
            if (known.Status != alert.Status)
            {
                notes.Add(alert.Status == AlertStatus.Resolved ? $"alert {alert.Name} resolved" : $"alert {alert.Name} firing again");
            }
            else if (SameContent(known, alert))
            {
                continue;
            }

            merged[at] = alert;
            changed = true;
        }

        return new AlertMergeResult(merged, notes, changed);
    }

    private static bool SameContent(Alert a, Alert b)
        => a.StartsAt == b.StartsAt && a.EndsAt == b.EndsAt
            && string.Equals(a.GeneratorUrl, b.GeneratorUrl, StringComparison.Ordinal)
            && SameMap(a.Labels, b.Labels) && SameMap(a.Annotations, b.Annotations);

    private static bool SameMap(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
        => a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var value) && string.Equals(value, p.Value, StringComparison.Ordinal));
}
