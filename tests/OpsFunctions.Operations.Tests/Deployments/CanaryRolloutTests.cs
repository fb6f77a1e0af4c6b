using OpsFunctions.Operations.Deployments;

namespace OpsFunctions.Operations.Tests.Deployments;

/// <summary>Canary rollouts on the engine with time skipping: steps, analysis, commands, supersede, freezes.</summary>
public sealed class CanaryRolloutTests : IAsyncLifetime
{
    private DeploymentTestHost _host = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await DeploymentTestHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static RolloutRequest Request(string version, params RolloutStepSpec[] steps)
        => new(DeploymentTestHost.Service, version, StableVersion: "1.0.0", Steps: steps, Actor: "carol");

    private static RolloutStepSpec Weight(int weight) => new(SetWeight: weight);

    private static RolloutStepSpec Pause(string? duration = null) => new(Pause: new PauseSpec(duration));

    private static RolloutStepSpec Analysis(params string[] templates) => new(Analysis: new AnalysisSpec(templates));

    /// <summary>Advances the clock a minute at a time: each measurement's timer is made after the one before fires.</summary>
    private async Task MinutesAsync(int minutes)
    {
        for (var i = 0; i < minutes; i++)
        {
            await _host.AdvanceAsync(TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task HealthyCanary_WalksItsSteps_AndServesAllTheTraffic()
    {
        var plan = await _host.StartAsync(Request("2.0.0", Weight(20), Pause("10m"), Analysis("error-rate"), Weight(100)));
        await _host.RecordAsync(plan.DeploymentId, r => r.Weight == 20 && r.StepIndex == 1, "the canary at 20 %, baking");

        await _host.AdvanceAsync(TimeSpan.FromMinutes(10));
        await MinutesAsync(5);

        var record = await _host.RecordAsync(plan.DeploymentId, r => r.State == DeploymentState.Succeeded, "the rollout succeeded");
        Assert.Equal([0, 20, 100], _host.Traffic.CanaryWeights);
        Assert.Equal((100, 4, "every step passed"), (record.Weight, record.Steps.Count, record.Reason));
        var analysis = Assert.Single(record.Steps[2].Analysis);
        Assert.Equal(("error-rate", AnalysisPhase.Successful, 5), (analysis.Template, analysis.Phase, analysis.Measurements.Count));
        Assert.Contains(_host.Prometheus.Queries, q => q.Contains("service=\"checkout\",track=\"canary\"", StringComparison.Ordinal));
        Assert.Equal(["deployment.started", "deployment.succeeded"], _host.Sender.Sent.Select(s => s.Notification.Event));
        Assert.All(_host.Sender.Sent, s => Assert.Equal("#releases", Assert.Single(s.Targets).Address));
        Assert.Empty(_host.Incidents.Records);
    }

    [Fact]
    public async Task CanaryAnswering5xx_IsAbortedAtItsFirstMeasurement_AndOpensAnIncident()
    {
        _host.Prometheus.CanaryErrorRate = 0.2;
        var plan = await _host.StartAsync(Request("2.0.0", Weight(20), Analysis("error-rate"), Weight(100)));

        await MinutesAsync(1);

        var record = await _host.RecordAsync(plan.DeploymentId, r => r.State == DeploymentState.Aborted, "the rollout aborted");
        Assert.Equal([0, 20, 0], _host.Traffic.CanaryWeights);
        Assert.Equal(0, record.Weight);
        Assert.StartsWith("analysis error-rate failed", record.Reason, StringComparison.Ordinal);
        var measurement = Assert.Single(Assert.Single(record.Steps[1].Analysis).Measurements);
        Assert.Equal((MeasurementPhase.Failed, 0.2), (measurement.Phase, measurement.Value));
        var timeline = await _host.TimelineAsync(plan.DeploymentId);
        var failedAt = timeline.First(e => e.Kind == DeploymentTimelineKinds.Analysis).At;
        var stableAt = timeline.Last(e => e.Kind == DeploymentTimelineKinds.Traffic).At;
        Assert.Equal(failedAt, stableAt);
        await Eventually.HappensAsync(() => _host.Incidents.Records.Any(i => i.Id == $"inc-deployment-{plan.DeploymentId}" && i.Service == "checkout"), "the incident opened");
    }

    [Fact]
    public async Task CanaryWithoutTraffic_IsInconclusive_PausesForAPerson_ThenPromoteGoesOn()
    {
        _host.Prometheus.CanaryRequests = 0;
        var plan = await _host.StartAsync(Request("2.0.0", Weight(20), Analysis("error-rate"), Weight(100)));

        await MinutesAsync(1);

        var paused = await _host.RecordAsync(plan.DeploymentId, r => r.State == DeploymentState.Paused, "the rollout paused");
        Assert.Contains("inconclusive", paused.Reason, StringComparison.Ordinal);
        Assert.Contains("too few requests", paused.Reason, StringComparison.Ordinal);
        Assert.Equal(20, paused.Weight);
        var pausedNotice = _host.Sender.Sent.Single(s => s.Notification.Event == "deployment.paused").Notification;
        Assert.Equal(["Promote", "Abort"], pausedNotice.Links.Select(l => l.Label));

        await _host.CommandAsync(plan, RolloutDecisions.Promote);

        var record = await _host.RecordAsync(plan.DeploymentId, r => r.State == DeploymentState.Succeeded, "the rollout succeeded");
        Assert.Equal([0, 20, 100], _host.Traffic.CanaryWeights);
        Assert.Equal("promoted by alice", record.Steps[1].Outcome);
        Assert.Contains(await _host.TimelineAsync(plan.DeploymentId), e => e.Kind == DeploymentTimelineKinds.Command && e.Actor == "alice" && e.Text == "promote");
    }

    [Fact]
    public async Task AbortWhilePausedUntilPromoted_ReturnsTrafficToStable_WithoutAnIncident()
    {
        var plan = await _host.StartAsync(Request("2.0.0", Weight(50), Pause(), Weight(100)));
        await _host.RecordAsync(plan.DeploymentId, r => r.State == DeploymentState.Paused, "the rollout paused");

        await _host.CommandAsync(plan, RolloutDecisions.Abort);

        var record = await _host.RecordAsync(plan.DeploymentId, r => r.State == DeploymentState.Aborted, "the rollout aborted");
        Assert.Equal([0, 50, 0], _host.Traffic.CanaryWeights);
        Assert.Equal("aborted by alice", record.Reason);
        Assert.Empty(_host.Incidents.Records);
    }

    [Fact]
    public async Task PromoteFull_SkipsTheRemainingSteps()
    {
        var plan = await _host.StartAsync(Request("2.0.0", Weight(10), Pause("1h"), Weight(50), Pause("1h"), Weight(100)));

        await _host.CommandAsync(plan, RolloutDecisions.PromoteFull);

        var record = await _host.RecordAsync(plan.DeploymentId, r => r.State == DeploymentState.Succeeded, "the rollout succeeded");
        Assert.Equal([0, 10, 100], _host.Traffic.CanaryWeights);
        Assert.Equal(("promoted to full by alice", 2), (record.Reason, record.Steps.Count));
    }

    [Fact]
    public async Task CommandForAnEarlierDeployment_DoesNotReachTheOneRunning()
    {
        var plan = await _host.StartAsync(Request("2.0.0", Weight(50), Pause(), Weight(100)));
        await _host.RecordAsync(plan.DeploymentId, r => r.State == DeploymentState.Paused, "the rollout paused");

        await _host.CommandAsync(plan with { DeploymentId = "checkout-20260101T000000Z-00000000" }, RolloutDecisions.Abort);

        Assert.Equal(DeploymentState.Paused, (await _host.Store.GetAsync(plan.DeploymentId, Cancellation))!.State);
        Assert.Equal([0, 50], _host.Traffic.CanaryWeights);
    }

    [Fact]
    public async Task NewerRolloutOfTheService_SupersedesTheRunningOne_AfterItsWeightGoesToZero()
    {
        var first = await _host.StartAsync(Request("2.0.0", Weight(30), Pause(), Weight(100)));
        await _host.RecordAsync(first.DeploymentId, r => r.State == DeploymentState.Paused, "the first rollout paused");

        var (second, _) = _host.Planner.Plan(Request("3.0.0", Weight(40), Pause(), Weight(100)), DeploymentSources.Api, _host.Host.TimeProvider.GetUtcNow(), Guid.NewGuid());
        var started = await _host.Starter.StartAsync(_host.Client, second!, Cancellation);
        await _host.SettleAsync();

        Assert.Equal(first.DeploymentId, started.Superseded);
        var superseded = await _host.RecordAsync(first.DeploymentId, r => r.State == DeploymentState.Superseded, "the first rollout superseded");
        Assert.StartsWith($"superseded by {second!.DeploymentId} (3.0.0", superseded.Reason, StringComparison.Ordinal);
        await _host.RecordAsync(second.DeploymentId, r => r.State == DeploymentState.Paused && r.Weight == 40, "the second rollout at 40 %");
        Assert.Equal([0, 30, 0, 0, 40], _host.Traffic.CanaryWeights);
        Assert.Equal(RolloutIds.InstanceOf("checkout"), (await _host.Store.GetAsync(second.DeploymentId, Cancellation))!.InstanceId);
    }

    [Fact]
    public async Task BackgroundAnalysisFailure_AbortsInTheMiddleOfAPause()
    {
        var plan = await _host.StartAsync(new RolloutRequest(DeploymentTestHost.Service, "2.0.0", Steps: [Weight(20), Pause("1h"), Weight(100)], Analysis: ["error-rate"], Actor: "carol"));
        await MinutesAsync(2);
        _host.Prometheus.CanaryErrorRate = 0.3;

        await MinutesAsync(1);

        var record = await _host.RecordAsync(plan.DeploymentId, r => r.State == DeploymentState.Aborted, "the rollout aborted");
        Assert.StartsWith("background analysis error-rate failed", record.Reason, StringComparison.Ordinal);
        Assert.Equal([0, 20, 0], _host.Traffic.CanaryWeights);
        Assert.Equal(AnalysisPhase.Failed, Assert.Single(record.BackgroundAnalysis).Phase);
        Assert.Equal(3, record.BackgroundAnalysis[0].Measurements.Count);
    }

    [Fact]
    public async Task TrafficProviderRefusing_FailsTheRollout_AndSaysSo()
    {
        _host.Traffic.Refuse = true;
        var plan = await _host.StartAsync(Request("2.0.0", Weight(20), Weight(100)));

        // Each retry's timer is made when the attempt before it fails: the first change, then the return to stable.
        await MinutesAsync(10);

        var record = await _host.RecordAsync(plan.DeploymentId, r => r.State == DeploymentState.Failed, "the rollout failed");
        Assert.Contains("could NOT be returned to the stable version", record.Reason, StringComparison.Ordinal);
        Assert.Contains(await _host.TimelineAsync(plan.DeploymentId), e => e.Kind == DeploymentTimelineKinds.Error && e.Text.Contains("test refusal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Freeze_RefusesNewRolloutsOfTheServicesItCovers()
    {
        var now = _host.Host.TimeProvider.GetUtcNow();
        await _host.Store.SaveFreezeAsync(new DeploymentFreeze { Name = "black-friday", Services = ["checkout"], Reason = "peak sales", CreatedBy = "dana", From = now }, Cancellation);
        var (plan, _) = _host.Planner.Plan(Request("2.0.0", Weight(100)), DeploymentSources.Api, now, Guid.NewGuid());

        var refused = await _host.Starter.StartAsync(_host.Client, plan!, Cancellation);

        Assert.Equal(("black-friday", "peak sales"), (refused.Freeze?.Name, refused.Freeze?.Reason));
        Assert.Null(await _host.Client.GetInstanceAsync(RolloutIds.InstanceOf("checkout"), cancellation: Cancellation));
        await _host.Store.DeleteFreezeAsync("black-friday", Cancellation);
        Assert.Null((await _host.Starter.StartAsync(_host.Client, plan!, Cancellation)).Freeze);
    }
}
