using System.Text.Json;
using OpsFunctions.Durable;
using OpsFunctions.Operations.Escalation;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests;

/// <summary>
/// The ladder knows nothing of incidents; what it writes is read by the incident's activities, and what ladders in
/// flight recorded is read by the ladder. These pin both shapes.
/// </summary>
public sealed class EscalationContractTests
{
    private static readonly JsonDataConverter Converter = JsonDataConverter.Default;

    [Fact]
    public void EscalationPage_ReadsAsTheIncidentsNotificationInput()
    {
        var summary = new IncidentSummary { Id = "inc-1", Title = "HighErrorRate", Service = "payments", Severity = Severity.Critical };
        var page = new EscalationPage
        {
            ParentId = "inc-1",
            Kind = EscalationPageKind.Unacknowledged,
            Subject = JsonSerializer.SerializeToElement(summary, JsonSerializerOptions.Web),
            Contacts = [new Contact { Name = "on-call engineer", SlackChannel = "#oncall" }],
            Level = 2,
            LevelName = "L2",
            Note = "still unacknowledged",
            At = new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero),
        };

        var read = Assert.IsType<NotifyIncidentInput>(Converter.Deserialize(Converter.Serialize(page), typeof(NotifyIncidentInput)));

        Assert.Equal(
            ("inc-1", NotificationKind.Unacknowledged, "HighErrorRate", Severity.Critical, 2, "L2", IncidentActors.Escalation, "still unacknowledged", page.At),
            (read.IncidentId, read.Kind, read.Incident.Title, read.Incident.Severity, read.Level, read.LevelName, read.Actor, read.Note, read.At));
        Assert.Equal("#oncall", Assert.Single(read.Contacts!).SlackChannel);
    }

    [Fact]
    public void EscalationInput_RecordedByAnIncidentBeforeTheLadderNamedItsPageActivity_PagesThroughTheIncident()
    {
        const string recorded = """
            {"incidentId":"inc-golden","incident":{"id":"inc-golden","title":"DiskFull","service":"payments","severity":"Critical"},
             "policy":{"name":"Default","levels":[{"number":1,"name":"L1","contacts":[{"name":"on-call engineer","slackChannel":"#oncall"}],"ackTimeout":"00:15:00","resolutionTimeout":"04:00:00"}],"repeat":1},
             "position":{"pass":0,"levelIndex":0,"mode":"Paging","pages":1,"announce":true}}
            """;

        var input = Assert.IsType<EscalationInput>(Converter.Deserialize(recorded, typeof(EscalationInput)));

        Assert.Equal(("inc-golden", nameof(NotifyIncident), EscalationRevisions.Initial), (input.ParentId, input.PageActivity, input.Revision));
        Assert.Equal("DiskFull", input.Subject.GetProperty("title").GetString());
    }

    [Fact]
    public void EscalationInput_WrittenNow_KeepsItsPageActivityAndRevision()
    {
        var input = new EscalationInput
        {
            ParentId = "run-7",
            Subject = JsonSerializer.SerializeToElement(new { service = "checkout" }),
            PageActivity = "PageReleaseTeam",
            Policy = EscalationPolicySelector.Resolve("Default", EscalationConstants.CreateDefaultPolicy()),
        };

        var read = Assert.IsType<EscalationInput>(Converter.Deserialize(Converter.Serialize(input), typeof(EscalationInput)));

        Assert.Equal(("run-7", "PageReleaseTeam", EscalationRevisions.Current), (read.ParentId, read.PageActivity, read.Revision));
    }
}
