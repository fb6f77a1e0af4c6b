using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests;

public sealed class IncidentIdsTests
{
    [Fact]
    public void ForGroup_SameReceiverAndGroupKey_IsStable()
    {
        var first = IncidentIds.ForGroup("ops", "{}:{alertname=\"HighErrorRate\"}");
        var second = IncidentIds.ForGroup("ops", "{}:{alertname=\"HighErrorRate\"}");

        Assert.Equal(first, second);
        Assert.Matches("^inc-[0-9a-f]{16}-1$", first);
    }

    [Fact]
    public void ForGroup_DifferentReceiverOrGroupKey_Differs()
    {
        var ids = new[]
        {
            IncidentIds.ForGroup("ops", "{}:{alertname=\"A\"}"),
            IncidentIds.ForGroup("ops-critical", "{}:{alertname=\"A\"}"),
            IncidentIds.ForGroup("ops", "{}:{alertname=\"B\"}"),
            IncidentIds.ForGroup("op", "s\n{}:{alertname=\"A\"}"),
        };

        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Next_AfterClosedIncarnations_StartsTheFollowingOne()
    {
        var prefix = IncidentIds.GroupPrefix("ops", "g");

        Assert.Equal(prefix + "1", IncidentIds.Next(prefix, []));
        Assert.Equal(prefix + "3", IncidentIds.Next(prefix, [prefix + "1", prefix + "2", prefix + "2:escalation", "inc-other-9"]));
        Assert.Equal(prefix + "2", IncidentIds.ForGroup("ops", "g", 2));
        Assert.True(IncidentIds.TryGetIncarnation(prefix + "12", prefix, out var incarnation));
        Assert.Equal(12, incarnation);
        Assert.False(IncidentIds.TryGetIncarnation(prefix + "1:escalation", prefix, out _));
    }

    [Fact]
    public void EscalationOf_Incident_IsAValidDistinctId()
    {
        var id = IncidentIds.ForGroup("ops", "g");

        Assert.Equal($"{id}:escalation", IncidentIds.EscalationOf(id));
        Assert.DoesNotContain(IncidentIds.EscalationOf(id), c => c is '/' or '\\' or '#' or '?');
    }
}
