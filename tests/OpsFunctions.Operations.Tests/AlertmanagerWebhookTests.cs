using System.Text.Json;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests;

public sealed class AlertmanagerWebhookTests
{
    private const string Sample = """
        {
          "version": "4",
          "groupKey": "{}/{severity=\"critical\"}:{alertname=\"HighErrorRate\"}",
          "truncatedAlerts": 0,
          "status": "firing",
          "receiver": "opsfunctions",
          "groupLabels": { "alertname": "HighErrorRate" },
          "commonLabels": { "alertname": "HighErrorRate", "service": "payments", "severity": "critical" },
          "commonAnnotations": { "summary": "5xx above 5 % on payments" },
          "externalURL": "http://alertmanager.test:9093",
          "alerts": [
            {
              "status": "firing",
              "labels": { "alertname": "HighErrorRate", "service": "payments", "severity": "critical", "instance": "a" },
              "annotations": { "description": "error rate 7 %" },
              "startsAt": "2026-01-05T07:58:00Z",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "http://prometheus.test:9090/graph?g0.expr=x",
              "fingerprint": "c0ffee0000000001"
            },
            {
              "status": "resolved",
              "labels": { "alertname": "HighErrorRate", "service": "payments", "severity": "critical", "instance": "b" },
              "annotations": {},
              "startsAt": "2026-01-05T07:50:00Z",
              "endsAt": "2026-01-05T07:59:00Z",
              "generatorURL": "http://prometheus.test:9090/graph?g0.expr=x",
              "fingerprint": "c0ffee0000000002"
            }
          ]
        }
        """;

    private static AlertmanagerWebhook CreateSut(string json = Sample) => JsonSerializer.Deserialize<AlertmanagerWebhook>(json)!;

    [Fact]
    public void Validate_AlertmanagerSample_HasNoErrors()
    {
        var sut = CreateSut();

        Assert.Empty(sut.Validate());
        Assert.Equal("http://alertmanager.test:9093", sut.ExternalUrl);
        Assert.Equal("http://prometheus.test:9090/graph?g0.expr=x", sut.Alerts![0].GeneratorUrl);
    }

    [Fact]
    public void ToIncidentRequest_Sample_CarriesGroupAlertsAndTitle()
    {
        var request = CreateSut().ToIncidentRequest();

        Assert.Equal(("opsfunctions", "5xx above 5 % on payments", IncidentSources.Alertmanager), (request.Receiver, request.Title, request.Source));
        Assert.Equal("payments", request.Labels["service"]);
        Assert.Equal(
            [("c0ffee0000000001", AlertStatus.Firing, (DateTimeOffset?)null), ("c0ffee0000000002", AlertStatus.Resolved, new DateTimeOffset(2026, 1, 5, 7, 59, 0, TimeSpan.Zero))],
            request.Alerts.Select(a => (a.Fingerprint, a.Status, a.EndsAt)).ToArray());
    }

    [Theory]
    [InlineData("\"version\": \"4\"", "\"version\": \"3\"", "version", "must be \"4\", not \"3\"")]
    [InlineData("\"version\": \"4\",", "", "version", "is required and must be \"4\"")]
    [InlineData("\"receiver\": \"opsfunctions\",", "", "receiver", "is required")]
    [InlineData("\"groupKey\": \"{}/{severity=\\\"critical\\\"}:{alertname=\\\"HighErrorRate\\\"}\",", "", "groupKey", "is required")]
    [InlineData("\"status\": \"firing\",\n  \"receiver\"", "\"status\": \"burning\",\n  \"receiver\"", "status", "must be \"firing\" or \"resolved\", not \"burning\"")]
    [InlineData("\"labels\": { \"alertname\": \"HighErrorRate\", \"service\": \"payments\", \"severity\": \"critical\", \"instance\": \"b\" }", "\"labels\": {}", "alerts[1].labels", "is required and must hold at least one label")]
    [InlineData("\"startsAt\": \"2026-01-05T07:58:00Z\",", "", "alerts[0].startsAt", "is required")]
    public void Validate_BadField_NamesTheField(string find, string replace, string field, string message)
    {
        var json = Sample.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(Sample, json);

        var errors = CreateSut(json).Validate();

        Assert.Contains(new PayloadError(field, message), errors);
    }

    [Fact]
    public void Validate_MissingOrEmptyAlerts_NamesAlerts()
    {
        var missing = new AlertmanagerWebhook { Version = "4", Receiver = "r", GroupKey = "g", Status = "firing" };
        var empty = missing with { Alerts = [] };

        Assert.Equal([new PayloadError("alerts", "is required and must hold at least one alert")], missing.Validate());
        Assert.Equal([new PayloadError("alerts", "is required and must hold at least one alert")], empty.Validate());
        Assert.Equal("alerts is required and must hold at least one alert", missing.Validate()[0].ToString());
    }

    [Fact]
    public void ToAlerts_NoFingerprint_ComputesAStableOneFromLabels()
    {
        var alert = new AlertmanagerAlert { Status = "firing", Labels = new() { ["b"] = "2", ["a"] = "1" }, StartsAt = DateTimeOffset.UnixEpoch };
        var same = alert with { Labels = new() { ["a"] = "1", ["b"] = "2" } };
        var other = alert with { Labels = new() { ["a"] = "1", ["b"] = "3" } };

        Assert.Equal(alert.ToAlert().Fingerprint, same.ToAlert().Fingerprint);
        Assert.NotEqual(alert.ToAlert().Fingerprint, other.ToAlert().Fingerprint);
        Assert.Matches("^[0-9a-f]{16}$", alert.ToAlert().Fingerprint);
    }

    [Fact]
    public void Validate_ThousandAlerts_IsValidAndConverts()
    {
        var alerts = Enumerable.Range(0, 1000).Select(i => new AlertmanagerAlert
        {
            Status = "firing",
            Labels = new() { ["alertname"] = "PodCrashLooping", ["pod"] = $"pod-{i}" },
            StartsAt = DateTimeOffset.UnixEpoch,
            Fingerprint = $"fp{i:D4}",
        }).ToList();
        var sut = new AlertmanagerWebhook { Version = "4", Receiver = "r", GroupKey = "g", Status = "firing", Alerts = alerts };

        Assert.Empty(sut.Validate());
        Assert.Equal(1000, sut.ToAlerts().Select(a => a.Fingerprint).Distinct().Count());
    }
}
