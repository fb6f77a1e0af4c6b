using MimeKit;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Integrations.Tests.Support;
using OpsFunctions.Testing.Email;

namespace OpsFunctions.Integrations.Tests;

public sealed class EmailTests
{
    [Fact]
    public async Task SendAsync_Triggered_DeliversMultipartAlternativeWithTextAndHtml()
    {
        await SmtpSink.EnsureStartedAsync();
        var recipient = $"oncall-{Guid.NewGuid():N}@example.com";
        await using var services = CreateSut();

        var result = await services.Sender().SendAsync(ChannelTarget.Email(recipient), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.Equal(1, result.Attempts);
        Assert.Equal(recipient, result.Target);
        using var message = Assert.Single(SmtpSink.MessagesTo(recipient));
        Assert.Equal("[OpsFunctions] [Critical] Triggered: Checkout latency above 2 s (INC-42)", message.Subject);
        Assert.Equal("ops@example.com", message.From.Mailboxes.Single().Address);
        Assert.Equal("OpsFunctions", message.From.Mailboxes.Single().Name);
        Assert.Equal([recipient], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("INC-42", message.Headers["X-OpsFunctions-Correlation"]);
        Assert.Equal("incident.triggered", message.Headers["X-OpsFunctions-Event"]);
        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        Assert.Equal(
            """
            [Critical] Triggered: Checkout latency above 2 s

            p99 latency of checkout is 3.4 s for 5 minutes.

            Severity: Critical
            Service: checkout
            Level: L1

            Acknowledge: https://ops.example.com/api/approvals/ack-token
            Resolve: https://ops.example.com/api/approvals/resolve-token
            View source: https://prometheus.example.com/graph?g0.expr=latency

            """.ReplaceLineEndings(),
            message.TextBody!.ReplaceLineEndings());
        var html = message.HtmlBody!;
        Assert.Contains("<h2>[Critical] Triggered: Checkout latency above 2 s</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th align=\"left\">Service</th><td>checkout</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://ops.example.com/api/approvals/ack-token\">Acknowledge</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://prometheus.example.com/graph?g0.expr=latency\">View source</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ReportToTwoRecipients_CarriesTheMarkdownEncodedInHtml()
    {
        await SmtpSink.EnsureStartedAsync();
        var first = $"lead-{Guid.NewGuid():N}@example.com";
        var second = $"sre-{Guid.NewGuid():N}@example.com";
        await using var services = CreateSut();
        var report = TestServices.Report() with { MarkdownBody = "# Report\n- time to resolve: 42 min <b>" };

        var result = await services.Sender().SendAsync(ChannelTarget.Email($"{first}, {second}"), report, TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        using var message = Assert.Single(SmtpSink.MessagesTo(first));
        Assert.Equal([first, second], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("[OpsFunctions] [Critical] Incident report: Checkout latency above 2 s (INC-42)", message.Subject);
        Assert.Contains("# Report\n- time to resolve: 42 min <b>", message.TextBody!.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("<pre style=\"white-space:pre-wrap\"># Report\n- time to resolve: 42 min &lt;b&gt;</pre>", message.HtmlBody!.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("ack-token", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_NoServerListening_FailsAfterRetriesWithANetworkError()
    {
        var settings = Settings();
        using var closed = LoopbackPort.Closed();
        settings["Notifications:Email:Port"] = closed.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var services = TestServices.Create(settings);

        var result = await services.Sender().SendAsync(ChannelTarget.Email("oncall@example.com"), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Equal(3, result.Attempts);
        Assert.StartsWith("network error: ConnectionRefused", result.Error, StringComparison.Ordinal);
        Assert.True(result.Transient);
    }

    [Fact]
    public async Task SendAsync_RecipientRefusedPermanently_IsNotRetried()
    {
        await SmtpSink.EnsureStartedAsync();
        await using var services = CreateSut();

        var result = await services.Sender().SendAsync(ChannelTarget.Email($"reject-{Guid.NewGuid():N}@example.com"), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Equal(550, result.StatusCode);
        Assert.Equal(1, result.Attempts);
        Assert.False(result.Transient);
        Assert.StartsWith("SMTP 550: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_RecipientRefusedForNow_IsRetried()
    {
        await SmtpSink.EnsureStartedAsync();
        await using var services = CreateSut();

        var result = await services.Sender().SendAsync(ChannelTarget.Email($"busy-{Guid.NewGuid():N}@example.com"), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Equal(451, result.StatusCode);
        Assert.Equal(3, result.Attempts);
        Assert.True(result.Transient);
    }

    [Fact]
    public async Task SendAsync_NotAnAddress_FailsWithoutConnecting()
    {
        await using var services = CreateSut();

        var result = await services.Sender().SendAsync(ChannelTarget.Email("not an address"), TestServices.Triggered(), TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Equal(0, result.Attempts);
        Assert.Contains("not an email address", result.Error, StringComparison.Ordinal);
    }

    private static Microsoft.Extensions.DependencyInjection.ServiceProvider CreateSut() => TestServices.Create(Settings());

    private static Dictionary<string, string?> Settings()
    {
        var settings = TestServices.FastSettings();
        settings["Notifications:Email:Host"] = SmtpSink.Host;
        settings["Notifications:Email:Port"] = SmtpSink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Notifications:Email:TlsMode"] = "None";
        settings["Notifications:Email:From"] = "OpsFunctions <ops@example.com>";
        return settings;
    }
}
