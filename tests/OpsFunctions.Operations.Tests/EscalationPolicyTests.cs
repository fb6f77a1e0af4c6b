using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsFunctions.Operations.Escalation;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Operations.Tests;

public sealed class EscalationPolicyTests
{
    private static ServiceProvider CreateSut(IDictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddIncidentResponse(configuration).BuildServiceProvider();
    }

    private static Dictionary<string, string?> Payments(string field, string value) => new()
    {
        ["Escalation:Policies:payments:Levels:0:Contacts:0:Name"] = "primary",
        ["Escalation:Policies:payments:Levels:0:Contacts:0:SlackUser"] = "@alice",
        ["Escalation:Policies:payments:Levels:1:Contacts:0:Name"] = "secondary",
        ["Escalation:Policies:payments:Levels:1:Contacts:0:Email"] = "bob@example.com",
        ["Escalation:Policies:payments:Levels:2:Contacts:0:Name"] = "manager",
        ["Escalation:Policies:payments:Levels:2:Contacts:0:PagerDutyRoutingKey"] = "managers",
        [field] = value,
    };

    [Fact]
    public void Select_NothingConfigured_IsTheWorkflowsTable()
    {
        using var sut = CreateSut(new Dictionary<string, string?>());

        var policy = sut.GetRequiredService<EscalationPolicySelector>().Select("payments", Severity.Critical);

        Assert.Equal(("Default", 1), (policy.Name, policy.Repeat));
        Assert.Equal([15, 30, 60, 120, 240], policy.Levels.Select(l => (int)l.AckTimeout.TotalMinutes).ToArray());
        Assert.Equal(["L1", "L2", "L3", "L4", "L5"], policy.Levels.Select(l => l.Name).ToArray());
        Assert.All(policy.Levels, l => Assert.Equal(TimeSpan.FromHours(4), l.ResolutionTimeout));
        Assert.Equal(
            ["on-call engineer", "senior engineer", "engineering manager", "director", "CTO / executive"],
            policy.Levels.Select(l => l.Contacts[0].Name).ToArray());
    }

    [Fact]
    public void Bind_ConfiguredPolicy_ReadsContactsTimeoutsRepeatAndMatch()
    {
        using var sut = CreateSut(new Dictionary<string, string?>(Payments("Escalation:Policies:payments:Levels:1:AckTimeout", "00:05:00"))
        {
            ["Escalation:Policies:payments:Repeat"] = "3",
            ["Escalation:Policies:payments:Match:Service"] = "payments",
            ["Escalation:Policies:payments:Levels:0:Contacts:0:TeamsWebhook"] = "payments-team",
            ["Escalation:Policies:payments:Levels:0:Contacts:0:WebhookUrl"] = "https://hooks.test/payments",
            ["Escalation:Policies:payments:Levels:0:ResolutionTimeout"] = "01:00:00",
        });

        var policy = sut.GetRequiredService<EscalationPolicySelector>().Select("Payments", Severity.Low);

        Assert.Equal(("payments", 3, 3), (policy.Name, policy.Repeat, policy.Levels.Count));
        Assert.Equal([15, 5, 60], policy.Levels.Select(l => (int)l.AckTimeout.TotalMinutes).ToArray());
        Assert.Equal([1, 4, 4], policy.Levels.Select(l => (int)l.ResolutionTimeout.TotalHours).ToArray());
        var contact = policy.Levels[0].Contacts[0];
        Assert.Equal(("primary", "@alice", "payments-team", "https://hooks.test/payments"), (contact.Name, contact.SlackUser, contact.TeamsWebhook, contact.WebhookUrl));
    }

    [Theory]
    [InlineData("Escalation:Policies:payments:Levels:2:AckTimeout", "-00:05:00", "Escalation:Policies:payments:Levels:2:AckTimeout must be positive")]
    [InlineData("Escalation:Policies:payments:Levels:1:AckTimeout", "00:00:00", "Escalation:Policies:payments:Levels:1:AckTimeout must be positive")]
    [InlineData("Escalation:Policies:payments:Levels:0:ResolutionTimeout", "-01:00:00", "Escalation:Policies:payments:Levels:0:ResolutionTimeout must be positive")]
    [InlineData("Escalation:Policies:payments:Repeat", "-1", "Escalation:Policies:payments:Repeat must be zero or more")]
    [InlineData("Escalation:Policies:payments:Match:Severity", "sev1", "Escalation:Policies:payments:Match:Severity must be critical, high, error, warning, info, medium or low, not 'sev1'")]
    [InlineData("Escalation:Policies:payments:Levels:1:Contacts:0:Email", "bob", "Escalation:Policies:payments:Levels:1:Contacts:0:Email must be an email address, not 'bob'")]
    [InlineData("Escalation:Policies:payments:Levels:0:Contacts:0:WebhookUrl", "ftp://x", "Escalation:Policies:payments:Levels:0:Contacts:0:WebhookUrl must be an absolute http or https URL")]
    [InlineData("Escalation:Policies:payments:Levels:2:Contacts:0:Name", "", "Escalation:Policies:payments:Levels:2:Contacts:0:Name is required")]
    public async Task Validate_BadField_FailsStartUpNamingPolicyAndField(string field, string value, string message)
    {
        await using var sut = CreateSut(Payments(field, value));

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(
            () => sut.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(TestContext.Current.CancellationToken));

        Assert.Contains(message, failure.Failures);
    }

    [Fact]
    public void Validate_LevelWithoutContactsOrChannel_NamesIt()
    {
        using var sut = CreateSut(new Dictionary<string, string?>
        {
            ["Escalation:Policies:db:Levels:0:AckTimeout"] = "00:10:00",
            ["Escalation:Policies:db:Levels:1:Contacts:0:Name"] = "nobody",
            ["Incidents:Routes:Critical:0:Name"] = "pager",
        });

        var failure = Assert.Throws<OptionsValidationException>(() => sut.GetRequiredService<IOptions<EscalationOptions>>().Value);
        var routes = Assert.Throws<OptionsValidationException>(() => sut.GetRequiredService<IOptions<IncidentRoutingOptions>>().Value);

        Assert.Contains("Escalation:Policies:db:Levels:0:Contacts must hold at least one contact", failure.Failures);
        Assert.Contains(failure.Failures, f => f.StartsWith("Escalation:Policies:db:Levels:1:Contacts:0 must set a channel", StringComparison.Ordinal));
        Assert.Contains(routes.Failures, f => f.StartsWith("Incidents:Routes:Critical:0 must set a channel", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_ValidPolicy_Passes()
    {
        await using var sut = CreateSut(Payments("Escalation:Policies:payments:Levels:2:AckTimeout", "01:00:00"));

        await sut.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public void Select_SeveralMatch_MostSpecificWinsThenName()
    {
        var options = new EscalationOptions();
        options.Policies["critical-any"] = Policy(null, "critical");
        options.Policies["payments-any"] = Policy("payments", null);
        options.Policies["payments-critical"] = Policy("payments", "critical");
        options.Policies["a-payments"] = Policy("payments", null);
        options.Policies["by-name-only"] = Policy(null, null);

        Assert.Equal("payments-critical", EscalationPolicySelector.Select(options, "payments", Severity.Critical).Name);
        Assert.Equal("a-payments", EscalationPolicySelector.Select(options, "payments", Severity.Medium).Name);
        Assert.Equal("critical-any", EscalationPolicySelector.Select(options, "search", Severity.Critical).Name);
        Assert.Equal("Default", EscalationPolicySelector.Select(options, "search", Severity.Low).Name);
        Assert.Equal(5, EscalationPolicySelector.Select(options, "search", Severity.Low).Levels.Count);
        Assert.Equal("by-name-only", EscalationPolicySelector.Select(options, "payments", Severity.Critical, "By-Name-Only").Name);
        Assert.Equal("payments-critical", EscalationPolicySelector.Select(options, "payments", Severity.Critical, "missing").Name);

        options.Policies["Default"] = Policy(null, null);
        Assert.Single(EscalationPolicySelector.Select(options, "search", Severity.Low).Levels);

        static EscalationPolicyOptions Policy(string? service, string? severity)
        {
            var policy = new EscalationPolicyOptions { Match = service is null && severity is null ? null : new EscalationMatchOptions { Service = service, Severity = severity } };
            var level = new EscalationLevelOptions();
            level.Contacts.Add(new Contact { Name = "x", SlackUser = "@x" });
            policy.Levels.Add(level);
            return policy;
        }
    }

    [Fact]
    public void Routes_Configured_ReplaceTheDefaultOfThatSeverityOnly()
    {
        using var sut = CreateSut(new Dictionary<string, string?>
        {
            ["Incidents:Routes:High:0:Name"] = "sre",
            ["Incidents:Routes:High:0:TeamsWebhook"] = "sre-channel",
        });

        var routing = sut.GetRequiredService<IOptions<IncidentRoutingOptions>>().Value;

        Assert.Equal("sre-channel", Assert.Single(routing.RouteFor(Severity.High)).TeamsWebhook);
        Assert.Equal("#alerts-warning", Assert.Single(routing.RouteFor(Severity.Medium)).SlackChannel);
        var critical = Assert.Single(routing.RouteFor(Severity.Critical));
        Assert.Equal(("default", "#incidents-critical", "oncall@example.com"), (critical.PagerDutyRoutingKey, critical.SlackChannel, critical.Email));
    }
}
