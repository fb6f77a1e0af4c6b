using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace OpsFunctions.Operations.Incidents;

/// <summary>
/// The body Alertmanager posts to a webhook receiver (payload version 4).
/// </summary>
public sealed record AlertmanagerWebhook
{
    /// <summary>The only payload version this model reads.</summary>
    public const string SupportedVersion = "4";

    [JsonPropertyName("version")]
    public string? Version { get; init; }

    [JsonPropertyName("groupKey")]
    public string? GroupKey { get; init; }

    [JsonPropertyName("truncatedAlerts")]
    public int TruncatedAlerts { get; init; }

    /// <summary>Gets the group's status: <c>firing</c> while any alert fires, else <c>resolved</c>.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("receiver")]
    public string? Receiver { get; init; }

    [JsonPropertyName("groupLabels")]
    public Dictionary<string, string>? GroupLabels { get; init; }

    [JsonPropertyName("commonLabels")]
    public Dictionary<string, string>? CommonLabels { get; init; }

    [JsonPropertyName("commonAnnotations")]
    public Dictionary<string, string>? CommonAnnotations { get; init; }

    [JsonPropertyName("externalURL")]
    public string? ExternalUrl { get; init; }

    [JsonPropertyName("alerts")]
    public IReadOnlyList<AlertmanagerAlert>? Alerts { get; init; }

    /// <summary>
    /// Checks what the workflows rely on. Each error names the JSON field (<c>alerts[2].labels</c>); an empty list
    /// means the payload is valid.
    /// </summary>
    public IReadOnlyList<PayloadError> Validate()
    {
        var errors = new List<PayloadError>();
        if (string.IsNullOrWhiteSpace(Version))
        {
            errors.Add(new("version", $"is required and must be \"{SupportedVersion}\""));
        }
        else if (!string.Equals(Version, SupportedVersion, StringComparison.Ordinal))
        {
            errors.Add(new("version", $"must be \"{SupportedVersion}\", not \"{Version}\""));
        }

        if (string.IsNullOrWhiteSpace(Receiver))
        {
            errors.Add(new("receiver", "is required"));
        }

        if (string.IsNullOrWhiteSpace(GroupKey))
        {
            errors.Add(new("groupKey", "is required"));
        }

        if (Status is not null && !IsStatus(Status))
        {
            errors.Add(new("status", $"must be \"firing\" or \"resolved\", not \"{Status}\""));
        }

        if (Alerts is null || Alerts.Count == 0)
        {
            errors.Add(new("alerts", "is required and must hold at least one alert"));
            return errors;
        }

        for (var i = 0; i < Alerts.Count; i++)
        {
            var alert = Alerts[i];
            var field = string.Create(CultureInfo.InvariantCulture, $"alerts[{i}]");
            if (alert is null)
            {
                errors.Add(new(field, "must be an object"));
                continue;
            }

            if (alert.Labels is null || alert.Labels.Count == 0)
            {
                errors.Add(new($"{field}.labels", "is required and must hold at least one label"));
            }

            if (alert.Status is null || !IsStatus(alert.Status))
            {
                errors.Add(new($"{field}.status", $"must be \"firing\" or \"resolved\", not \"{alert.Status}\""));
            }

            if (alert.StartsAt == default)
            {
                errors.Add(new($"{field}.startsAt", "is required"));
            }
        }

        return errors;
    }

    /// <summary>Converts a valid payload's alerts; an alert without a fingerprint gets one computed from its labels.</summary>
    public IReadOnlyList<Alert> ToAlerts()
        => [.. (Alerts ?? []).Where(a => a is not null).Select(a => a.ToAlert())];

    /// <summary>The input that opens an incident for this group.</summary>
    public IncidentRequest ToIncidentRequest()
    {
        var common = CommonLabels ?? [];
        var annotations = CommonAnnotations ?? [];
        var alerts = ToAlerts();
        return new IncidentRequest
        {
            Title = FirstOf(annotations, "summary", "title") ?? FirstOf(common, "alertname")
                ?? (alerts.Count > 0 ? alerts[0].Name : null),
            Description = FirstOf(annotations, "description", "message"),
            Source = IncidentSources.Alertmanager,
            OpenedBy = IncidentActors.Alertmanager,
            Receiver = Receiver,
            GroupKey = GroupKey,
            ExternalUrl = ExternalUrl,
            Labels = common,
            Alerts = alerts,
        };
    }

    /// <summary>The payload of the <c>alertsUpdated</c> event for the running incident of this group.</summary>
    public AlertsUpdate ToAlertsUpdate() => new(ToAlerts());

    private static bool IsStatus(string status) => status is "firing" or "resolved";

    private static string? FirstOf(Dictionary<string, string> map, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (map.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
        }

        return null;
    }
}

/// <summary>One alert of an Alertmanager webhook payload.</summary>
public sealed record AlertmanagerAlert
{
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("labels")]
    public Dictionary<string, string>? Labels { get; init; }

    [JsonPropertyName("annotations")]
    public Dictionary<string, string>? Annotations { get; init; }

    [JsonPropertyName("startsAt")]
    public DateTimeOffset StartsAt { get; init; }

    /// <summary>Gets the end time; Alertmanager sends <c>0001-01-01T00:00:00Z</c> for a firing alert.</summary>
    [JsonPropertyName("endsAt")]
    public DateTimeOffset? EndsAt { get; init; }

    [JsonPropertyName("generatorURL")]
    public string? GeneratorUrl { get; init; }

    [JsonPropertyName("fingerprint")]
    public string? Fingerprint { get; init; }

    public Alert ToAlert()
    {
        var labels = Labels ?? [];
        return new Alert
        {
            Fingerprint = string.IsNullOrWhiteSpace(Fingerprint) ? FingerprintOf(labels) : Fingerprint,
            Status = Status == "resolved" ? AlertStatus.Resolved : AlertStatus.Firing,
            Labels = labels,
            Annotations = Annotations ?? [],
            StartsAt = StartsAt,
            EndsAt = EndsAt is { } end && end.Year > 1 ? end : null,
            GeneratorUrl = GeneratorUrl,
        };
    }

    /// <summary>A stable stand-in for a missing fingerprint: SHA-256 over the sorted labels, 16 hex digits.</summary>
    public static string FingerprintOf(IReadOnlyDictionary<string, string> labels)
    {
        var text = string.Join('\n', labels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 8));
    }
}

/// <summary>A payload field that does not validate.</summary>
/// <param name="Field">The JSON path of the field, e.g. <c>alerts[0].labels</c>.</param>
/// <param name="Message">What is wrong with it.</param>
public sealed record PayloadError(string Field, string Message)
{
    public override string ToString() => $"{Field} {Message}";
}
