using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests;

public sealed class AlertMergeTests
{
    [Fact]
    public void Merge_SameDelivery_ChangesNothing()
    {
        var a = IncidentTestHost.Alert("A");

        var result = AlertMerge.Merge([a], [a with { }]);

        Assert.False(result.Changed);
        Assert.Empty(result.Notes);
    }

    [Fact]
    public void Merge_StatusChangesAndNewAlerts_AreNotedAndReplaced()
    {
        var a = IncidentTestHost.Alert("A");
        var b = IncidentTestHost.Alert("B");

        var result = AlertMerge.Merge([a, b], [a with { Status = AlertStatus.Resolved }, IncidentTestHost.Alert("C")]);

        Assert.True(result.Changed);
        Assert.Equal(["alert A resolved", "alert C firing"], result.Notes);
        Assert.Equal([AlertStatus.Resolved, AlertStatus.Firing, AlertStatus.Firing], result.Alerts.Select(x => x.Status).ToArray());
        Assert.False(result.AllResolved);
    }

    [Fact]
    public void Merge_AnnotationChange_IsSilentButChanged()
    {
        var a = IncidentTestHost.Alert("A");

        var result = AlertMerge.Merge([a], [a with { Annotations = new Dictionary<string, string> { ["summary"] = "worse" } }]);

        Assert.True(result.Changed);
        Assert.Empty(result.Notes);
        Assert.Equal("worse", result.Alerts[0].Annotations["summary"]);
    }

    [Fact]
    public void Merge_DuplicateFingerprintsInOneDelivery_KeepsOneAlert()
    {
        var a = IncidentTestHost.Alert("A");

        var result = AlertMerge.Merge([], [a, a with { Status = AlertStatus.Resolved }]);

        var only = Assert.Single(result.Alerts);
        Assert.Equal(AlertStatus.Resolved, only.Status);
        Assert.True(result.AllResolved);
    }
}
