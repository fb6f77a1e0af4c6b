using System.Globalization;
using System.Text;

namespace OpsFunctions.Operations.Incidents;

/// <summary>The incident report: Markdown with the summary, time to acknowledge and resolve, who acted, alerts and the timeline.</summary>
public static class IncidentReport
{
    public static string ToMarkdown(IncidentRecord record, IReadOnlyList<TimelineEntry> timeline, TimeSpan? timeToAcknowledge, TimeSpan timeToResolve)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(timeline);
        var text = new StringBuilder();
        Line(text, $"# Incident report: {record.Title}");
        Line(text);
        Line(text, $"| | |");
        Line(text, $"| --- | --- |");
        Line(text, $"| Incident | `{record.Id}` |");
        Line(text, $"| Service | {Escape(record.Service)} |");
        Line(text, $"| Severity | {record.Severity} |");
        Line(text, $"| State | {record.State} |");
        Line(text, $"| Escalation policy | {Escape(record.Policy ?? "-")} |");
        Line(text, $"| Opened | {Time(record.OpenedAt)} by {Escape(record.OpenedBy)} |");
        Line(text, $"| Acknowledged | {(record.AcknowledgedAt is { } acked ? $"{Time(acked)} by {Escape(record.AcknowledgedBy ?? "unknown")}" : "never")} |");
        Line(text, $"| Resolved | {(record.ResolvedAt is { } resolved ? $"{Time(resolved)} by {Escape(record.ResolvedBy ?? "unknown")}" : "not resolved")} |");
        Line(text, $"| Time to acknowledge | {(timeToAcknowledge is { } tta ? Duration(tta) : "not acknowledged")} |");
        Line(text, $"| Time to resolve | {Duration(timeToResolve)} |");
        Line(text, $"| Last level paged | {(record.EscalationLevel is { } level ? $"L{level}" : "-")} |");
        if (!string.IsNullOrWhiteSpace(record.Description))
        {
            Line(text);
            Line(text, record.Description);
        }

        Line(text);
        Line(text, "## Who acted");
        Line(text);
        var people = new List<(string Who, string What)> { (record.OpenedBy, "opened") };
        if (record.AcknowledgedBy is { } ackedBy)
        {
            people.Add((ackedBy, "acknowledged"));
        }

        if (record.ResolvedBy is { } resolvedBy)
        {
            people.Add((resolvedBy, "resolved"));
        }

        foreach (var entry in timeline.Where(e => e.Kind is IncidentTimelineKinds.Acknowledged or IncidentTimelineKinds.Resolved))
        {
            if (!people.Contains((entry.Actor, entry.Kind)))
            {
                people.Add((entry.Actor, entry.Kind));
            }
        }

        foreach (var group in people.GroupBy(p => p.Who, StringComparer.Ordinal))
        {
            Line(text, $"- {Escape(group.Key)}: {string.Join(", ", group.Select(p => p.What).Distinct(StringComparer.Ordinal))}");
        }

        Line(text);
        Line(text, $"## Alerts ({record.Alerts.Count})");
        Line(text);
        Line(text, "| alert | status | started | ended | fingerprint |");
        Line(text, "| --- | --- | --- | --- | --- |");
        foreach (var alert in record.Alerts.Take(200))
        {
            Line(text, $"| {Escape(alert.Name)} | {alert.Status} | {Time(alert.StartsAt)} | {(alert.EndsAt is { } end ? Time(end) : "-")} | `{alert.Fingerprint}` |");
        }

        if (record.Alerts.Count > 200)
        {
            Line(text, $"| ... {record.Alerts.Count - 200} more | | | | |");
        }

        Line(text);
        Line(text, "## Timeline");
        Line(text);
        Line(text, "| time | who | what | |");
        Line(text, "| --- | --- | --- | --- |");
        foreach (var entry in timeline)
        {
            Line(text, $"| {Time(entry.At)} | {Escape(entry.Actor)} | {entry.Kind} | {Escape(entry.Text)} |");
        }

        return text.ToString();
    }

    /// <summary>Formats a duration for people: <c>1 h 05 min 00 s</c>, <c>15 min 00 s</c>.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        var hours = (long)span.TotalHours;
        return hours > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hours} h {span.Minutes:00} min {span.Seconds:00} s")
            : string.Create(CultureInfo.InvariantCulture, $"{span.Minutes} min {span.Seconds:00} s");
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static void Line(StringBuilder text, string line = "") => text.Append(line).Append('\n');
}
