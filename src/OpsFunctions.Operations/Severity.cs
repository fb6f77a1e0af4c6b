using System.Text.Json.Serialization;

namespace OpsFunctions.Operations;

/// <summary>How urgent an incident is; decides the notification route and, with the service, the escalation policy.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    /// <summary>Label <c>severity</c> = <c>critical</c>: PagerDuty, the critical Slack channel and email.</summary>
    Critical = 0,

    /// <summary>Label <c>severity</c> = <c>high</c> or <c>error</c>: Slack and email.</summary>
    High = 1,

    /// <summary>Label <c>severity</c> = <c>warning</c>: the warning Slack channel.</summary>
    Medium = 2,

    /// <summary>Label <c>severity</c> = <c>info</c>: the info Slack channel.</summary>
    Low = 3,
}

/// <summary>Maps Alertmanager's <c>severity</c> label to <see cref="Severity"/>.</summary>
public static class SeverityLabels
{
    /// <summary>The label that carries the severity.</summary>
    public const string LabelName = "severity";

    /// <summary>
    /// The severity of an alert whose <c>severity</c> label is missing or unknown: <see cref="Severity.High"/>,
    /// so an unlabelled alert still reaches people (Slack and email) without paging anyone at night.
    /// </summary>
    public const Severity Default = Severity.High;

    /// <summary>
    /// Reads a label value: <c>critical</c> -> Critical; <c>high</c>, <c>error</c> -> High; <c>warning</c> -> Medium;
    /// <c>info</c> -> Low. The enum names (<c>medium</c>, <c>low</c>) are accepted too; case is ignored.
    /// </summary>
    public static bool TryParse(string? value, out Severity severity)
    {
        switch (value?.Trim().ToUpperInvariant())
        {
            case "CRITICAL":
                severity = Severity.Critical;
                return true;
            case "HIGH" or "ERROR":
                severity = Severity.High;
                return true;
            case "WARNING" or "MEDIUM":
                severity = Severity.Medium;
                return true;
            case "INFO" or "LOW":
                severity = Severity.Low;
                return true;
            default:
                severity = Default;
                return false;
        }
    }

    /// <summary>Maps a label value; a missing or unknown value gives <see cref="Default"/>.</summary>
    public static Severity FromLabel(string? value) => TryParse(value, out var severity) ? severity : Default;

    /// <summary>Maps the <c>severity</c> label of a label set; a missing or unknown value gives <see cref="Default"/>.</summary>
    public static Severity FromLabels(IReadOnlyDictionary<string, string>? labels)
        => labels is not null && labels.TryGetValue(LabelName, out var value) ? FromLabel(value) : Default;
}
