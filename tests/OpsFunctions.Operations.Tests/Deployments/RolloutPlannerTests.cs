using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsFunctions.Integrations.Traffic;
using OpsFunctions.Operations.Deployments;

namespace OpsFunctions.Operations.Tests.Deployments;

/// <summary>Requests into plans: defaults, the service's configuration, and every bad field named.</summary>
public sealed class RolloutPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static ServiceProvider Services(Dictionary<string, string?>? extra = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(DeploymentTestHost.Settings)
            .AddInMemoryCollection(extra ?? [])
            .Build();
        return new ServiceCollection().AddDeployments(configuration).BuildServiceProvider();
    }

    private static (RolloutPlan? Plan, IReadOnlyDictionary<string, string> Errors) Plan(RolloutRequest request, Dictionary<string, string?>? settings = null)
    {
        using var services = Services(settings);
        return services.GetRequiredService<RolloutPlanner>().Plan(request, DeploymentSources.Api, Now, Guid.Parse("0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public void Plan_WithoutSteps_TakesTheDefault_WithAGateBeforeAllTheTraffic()
    {
        var (plan, errors) = Plan(new RolloutRequest("Checkout", "2.0.0"));

        Assert.Empty(errors);
        Assert.Equal(
            [
                "setWeight 5", "pause 5m", "analysis error-rate, latency-p95",
                "setWeight 10", "pause 5m", "analysis error-rate, latency-p95",
                "setWeight 25", "pause 5m", "analysis error-rate, latency-p95",
                "setWeight 50", "pause 5m", "analysis error-rate, latency-p95",
                "pause until promoted",
                "setWeight 100", "pause 5m", "analysis error-rate, latency-p95",
            ],
            plan!.Steps.Select(s => s.Description));
        Assert.Equal(("checkout", "checkout-20260301T120000Z-01234567", "api"), (plan.Service, plan.DeploymentId, plan.StartedBy));
        Assert.Equal(new TrafficTarget { Provider = TrafficProviderKind.Nginx, Upstream = "checkout", ConfigFile = "/etc/nginx/opsfunctions/checkout.conf" }, plan.Traffic);
        Assert.Equal(("service=\"checkout\",track=\"canary\"", "service=\"checkout\",track=\"stable\""), (plan.Target.CanarySelector, plan.Target.StableSelector));
    }

    [Fact]
    public void Plan_BackgroundAnalysis_MeasuresUntilTheRolloutEnds()
    {
        var (plan, _) = Plan(new RolloutRequest("checkout", "2.0.0", Analysis: ["error-rate"]));

        var template = Assert.Single(plan!.BackgroundAnalysis);
        Assert.Equal(("error-rate", (int?)null), (template.Name, template.Count));
    }

    [Fact]
    public void Plan_TheServicesSteps_ComeFromConfiguration_WhereAnEmptyPauseIsWrittenUntilPromoted()
    {
        var (plan, errors) = Plan(
            new RolloutRequest("checkout", "2.0.0"),
            new()
            {
                ["Deployments:Services:checkout:Steps:0:SetWeight"] = "30",
                ["Deployments:Services:checkout:Steps:1:Pause:UntilPromoted"] = "true",
                ["Deployments:Services:checkout:Steps:2:Pause:Duration"] = "90s",
                ["Deployments:Services:checkout:Steps:3:Analysis:Templates:0"] = "latency-p99",
            });

        Assert.Empty(errors);
        Assert.Equal(["setWeight 30", "pause until promoted", "pause 1m30s", "analysis latency-p99"], plan!.Steps.Select(s => s.Description));
    }

    [Fact]
    public void Plan_NamesEveryBadField()
    {
        var (plan, errors) = Plan(new RolloutRequest(
            "checkout",
            "2.0.0",
            Strategy: "big-bang",
            Steps: [new(SetWeight: -1), new(Pause: new PauseSpec("soon")), new(), new(SetWeight: 5, Pause: new PauseSpec()), new(Analysis: new AnalysisSpec([])), new(Pause: new PauseSpec("5m", UntilPromoted: true))],
            Analysis: ["nope"]));

        Assert.Null(plan);
        Assert.Equal(
            ["analysis", "steps[0].setWeight", "steps[1].pause.duration", "steps[2]", "steps[3]", "steps[4].analysis.templates", "steps[5].pause", "strategy"],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null, "service")]
    [InlineData("billing", "service")]
    [InlineData("check out", "service")]
    public void Plan_AServiceThatIsMissingUnknownOrMalformed_IsNamed(string? service, string field)
    {
        var (plan, errors) = Plan(new RolloutRequest(service, "2.0.0"));

        Assert.Null(plan);
        Assert.True(errors.ContainsKey(field));
    }

    [Fact]
    public void Options_WithBadServices_FailAtStartUp_NamingTheKeys()
    {
        using var services = Services(new()
        {
            ["Deployments:Services:search:Traffic:Provider"] = "Http",
            ["Deployments:Services:search:Traffic:WebhookUrl"] = "not-a-url",
            ["Deployments:Services:search:Steps:0:SetWeight"] = "101",
            ["Deployments:Services:search:BackgroundAnalysis:0"] = "unknown-template",
            ["Deployments:Freezes:0:Name"] = "window",
            ["Deployments:Freezes:0:Reason"] = "audit",
            ["Deployments:Freezes:0:From"] = "2026-03-02T00:00:00Z",
            ["Deployments:Freezes:0:Until"] = "2026-03-01T00:00:00Z",
        });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<DeploymentOptions>>().Value);

        Assert.Contains(failure.Failures, f => f.StartsWith("Deployments:Services:search:Stable", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.StartsWith("Deployments:Services:search:Traffic:WebhookUrl", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.StartsWith("Deployments:Services:search:Steps:0:setWeight", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.StartsWith("Deployments:Services:search:BackgroundAnalysis", StringComparison.Ordinal) && f.Contains("unknown-template", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f == "Deployments:Freezes:0:Until must be after From");
    }

    [Theory]
    [InlineData(0, new[] { 100, 0 })]
    [InlineData(5, new[] { 95, 5 })]
    [InlineData(100, new[] { 0, 100 })]
    public void TrafficSplit_GivesTheCanaryItsShare_AndTheStableTheRest(int weight, int[] expected)
    {
        var (plan, _) = Plan(new RolloutRequest("checkout", "2.0.0"));

        Assert.Equal(expected, TrafficSplit.Backends(plan!, weight).Select(b => b.Weight));
    }

    [Fact]
    public void TrafficSplit_SpreadsAShareOverSeveralServers_AddingUpTo100()
    {
        var (plan, _) = Plan(new RolloutRequest("checkout", "2.0.0"));
        plan = plan! with { StableBackends = ["a:1", "b:1", "c:1"], CanaryBackends = ["d:1", "e:1"] };

        var backends = TrafficSplit.Backends(plan, 25);

        Assert.Equal([25, 25, 25, 13, 12], backends.Select(b => b.Weight));
        Assert.Equal(100, backends.Sum(b => b.Weight));
    }
}
