using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpsFunctions.Integrations.Email;
using OpsFunctions.Integrations.Http;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Integrations.PagerDuty;
using OpsFunctions.Integrations.Slack;
using OpsFunctions.Integrations.Tests.Support;
using OpsFunctions.Integrations.Webhook;

namespace OpsFunctions.Integrations.Tests;

public sealed class OptionsTests
{
    [Fact]
    public async Task AddOpsIntegrations_NoConfiguration_StartsWithDefaults()
    {
        await using var services = TestServices.Create([]);

        var resilience = services.GetRequiredService<IOptionsMonitor<OutboundResilienceOptions>>().Get(OutboundResilienceOptions.Notifications);
        Assert.Equal(3, resilience.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(10), resilience.AttemptTimeout);
        Assert.Equal("https://events.pagerduty.com", services.GetRequiredService<IOptions<PagerDutyOptions>>().Value.Endpoint);
        Assert.NotNull(services.GetRequiredService<INotificationSender>());
    }

    [Theory]
    [InlineData("Notifications:Slack:Channels:ops", "not a url", "Notifications:Slack:Channels:ops must be an absolute http or https URL.")]
    [InlineData("Notifications:Slack:DefaultWebhookUrl", "ftp://hooks/x", "Notifications:Slack:DefaultWebhookUrl must be an absolute http or https URL.")]
    public async Task Slack_BadUrl_FailsNamingTheKeyButNotTheValue(string key, string value, string message)
    {
        await using var services = TestServices.Create(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SlackOptions>>().Value);

        Assert.Contains(message, error.Failures);
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_EndpointsWithoutSecret_Fail()
    {
        await using var services = TestServices.Create(new() { ["Notifications:Webhook:Endpoints:audit"] = "https://audit.example.com/hook" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<WebhookOptions>>().Value);

        Assert.Contains("Notifications:Webhook:Secret is required when Notifications:Webhook:Endpoints are configured.", error.Failures);
    }

    [Fact]
    public async Task Email_HostWithoutFrom_Fails()
    {
        await using var services = TestServices.Create(new() { ["Notifications:Email:Host"] = "smtp.example.com", ["Notifications:Email:Port"] = "70000" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<EmailOptions>>().Value);

        Assert.Contains("Notifications:Email:From is required when Notifications:Email:Host is set.", error.Failures);
        Assert.Contains("Notifications:Email:Port must be between 1 and 65535.", error.Failures);
    }

    [Fact]
    public async Task Resilience_AttemptTimeoutAboveTotal_FailsNamingBothKeys()
    {
        await using var services = TestServices.Create(new()
        {
            ["Notifications:Resilience:AttemptTimeout"] = "00:01:00",
            ["Notifications:Resilience:TotalTimeout"] = "00:00:30",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptionsMonitor<OutboundResilienceOptions>>().Get(OutboundResilienceOptions.Notifications));

        Assert.Contains("Notifications:Resilience:AttemptTimeout (00:01:00) must not exceed Notifications:Resilience:TotalTimeout (00:00:30).", error.Failures);
    }

    [Theory]
    [InlineData("Notifications")]
    [InlineData("Diagnostics")]
    public async Task Resilience_OutOfRange_FailsNamingTheSectionAndKey(string section)
    {
        await using var services = TestServices.Create(new()
        {
            [$"{section}:Resilience:MaxRetryAttempts"] = "50",
            [$"{section}:Resilience:CircuitBreakerBreakDuration"] = "00:00:00.100",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptionsMonitor<OutboundResilienceOptions>>().Get(section));

        Assert.Equal(
            [$"{section}:Resilience:MaxRetryAttempts must be between 0 and 20.", $"{section}:Resilience:CircuitBreakerBreakDuration must be between 00:00:00.5000000 and 1.00:00:00."],
            error.Failures);
    }

    [Fact]
    public async Task Host_InvalidOptions_StopsAtStartUp()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Notifications:Teams:Webhooks:sre"] = "sre-channel" });
        builder.Services.AddOpsIntegrations(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Notifications:Teams:Webhooks:sre must be an absolute http or https URL.", error.Failures);
    }

    [Fact]
    public void ChannelTarget_ToString_ShowsNoSecret()
    {
        Assert.Equal("PagerDuty routing key …CDEF", ChannelTarget.PagerDuty("R0123456789ABCDEF0123456789ABCDEF").ToString());
        Assert.Equal("Slack https://hooks.slack.com/…", ChannelTarget.Slack("https://hooks.slack.com/services/T0/B0/token").ToString());
        Assert.Equal("PagerDuty payments-primary", ChannelTarget.PagerDuty("payments-primary").ToString());
        Assert.Equal("Email oncall@example.com", ChannelTarget.Email("oncall@example.com").ToString());
    }
}
