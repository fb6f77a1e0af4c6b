using System.Text.Json.Nodes;

namespace OpsFunctions.Testing.Alerting;

/// <summary>Alertmanager webhook payloads (version 4) as Alertmanager sends them.</summary>
public static class AlertmanagerPayloads
{
    /// <summary>An Alertmanager v4 delivery of one group.</summary>
    public static JsonObject Group(string groupKey, string status = "firing", string severity = "critical", int count = 1, string service = "checkout")
    {
        var alerts = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            alerts.Add(new JsonObject
            {
                ["status"] = status,
                ["labels"] = new JsonObject { ["alertname"] = "HighErrorRate", ["service"] = service, ["severity"] = severity, ["instance"] = $"pod-{i}" },
                ["annotations"] = new JsonObject { ["summary"] = "5xx above 5%" },
                ["startsAt"] = "2026-11-23T06:00:00Z",
                ["endsAt"] = status == "resolved" ? "2026-11-23T06:10:00Z" : "0001-01-01T00:00:00Z",
                ["generatorURL"] = "http://prometheus.local/graph",
                ["fingerprint"] = $"fp{i:x6}",
            });
        }

        return new JsonObject
        {
            ["version"] = "4",
            ["groupKey"] = groupKey,
            ["truncatedAlerts"] = 0,
            ["status"] = status,
            ["receiver"] = "ops",
            ["groupLabels"] = new JsonObject { ["alertname"] = "HighErrorRate" },
            ["commonLabels"] = new JsonObject { ["alertname"] = "HighErrorRate", ["service"] = service, ["severity"] = severity },
            ["commonAnnotations"] = new JsonObject(),
            ["externalURL"] = "http://alertmanager.local",
            ["alerts"] = alerts,
        };
    }
}
