using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using OpsFunctions.Integrations.Http;
using OpsFunctions.Integrations.Notifications;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace OpsFunctions.Integrations.Email;

/// <summary>
/// Sends notifications over SMTP with MailKit, one connection per message, under the same retry, timeout and
/// circuit-breaker settings as the HTTP channels: network errors, timeouts and 4xx replies are retried, 5xx replies
/// and authentication failures are not.
/// </summary>
internal sealed class EmailSender : IChannelSender
{
    private readonly IOptionsMonitor<EmailOptions> _options;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _pipeline;
    private readonly OutboundResilienceOptions _resilience;

    public EmailSender(IOptionsMonitor<EmailOptions> options, IOptionsMonitor<OutboundResilienceOptions> resilience, TimeProvider time)
    {
        _options = options;
        _time = time;
        _resilience = resilience.Get(OutboundResilienceOptions.Notifications);
        _pipeline = BuildPipeline(_resilience, time);
    }

    public ChannelKind Kind => ChannelKind.Email;

    public async Task<DeliveryResult> SendAsync(ChannelTarget target, Notification notification, CancellationToken cancellationToken)
    {
        var settings = _options.CurrentValue;
        if (string.IsNullOrWhiteSpace(settings.Host) || !MailboxAddress.TryParse(settings.From, out var from))
        {
            return DeliveryFailure.NotSent(target, $"email is not configured: set {EmailOptions.Section}:Host and {EmailOptions.Section}:From");
        }

        if (!InternetAddressList.TryParse(target.Address, out var to) || to.Count == 0 || to.Mailboxes.Any(m => !m.Address.Contains('@', StringComparison.Ordinal)))
        {
            return DeliveryFailure.NotSent(target, $"'{target.Address}' is not an email address");
        }

        using var message = EmailMessage.Build(notification, from, to, settings.SubjectPrefix, _time.GetUtcNow());
        var started = _time.GetTimestamp();
        var attempts = 0;
        int? status = null;
        string? error = null;
        var transient = true;
        try
        {
            await _pipeline.ExecuteAsync(
                async token =>
                {
                    Interlocked.Increment(ref attempts);
                    await SendOnceAsync(settings, settings.Host, message, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (SmtpCommandException exception)
        {
            status = (int)exception.StatusCode;
            error = $"SMTP {status}: {exception.Message}";
            transient = status is >= 400 and < 500;
        }
        catch (MailKit.Security.AuthenticationException exception)
        {
            error = $"SMTP authentication failed: {exception.Message}";
            transient = false;
        }
        catch (BrokenCircuitException)
        {
            error = $"circuit open for {settings.Host}:{settings.Port}: recent attempts failed, so this one was not sent";
        }
        catch (TimeoutRejectedException exception)
        {
            error = $"timed out after {exception.Timeout.TotalSeconds:0.###} s";
        }
        catch (SocketException exception)
        {
            error = $"network error: {exception.SocketErrorCode} ({settings.Host}:{settings.Port})";
        }
        catch (Exception exception) when (exception is IOException or SmtpProtocolException or ServiceNotConnectedException)
        {
            error = $"{exception.GetType().Name}: {exception.Message}";
        }
        catch (Exception exception)
        {
            error = $"{exception.GetType().Name}: {exception.Message}";
            transient = false;
        }

        return new DeliveryResult
        {
            Channel = ChannelKind.Email,
            Target = target.Redacted(),
            Success = error is null,
            StatusCode = status,
            Error = error,
            Transient = error is not null && transient,
            Attempts = attempts,
            Duration = _time.GetElapsedTime(started),
        };
    }

    private async Task SendOnceAsync(EmailOptions settings, string host, MimeMessage message, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient { Timeout = (int)_resilience.AttemptTimeout.TotalMilliseconds };
        await client.ConnectAsync(host, settings.Port, TlsMode(settings.TlsMode), cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(settings.UserName))
        {
            await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", cancellationToken).ConfigureAwait(false);
        }

        await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
    }

    private static SecureSocketOptions TlsMode(EmailTlsMode mode) => mode switch
    {
        EmailTlsMode.None => SecureSocketOptions.None,
        EmailTlsMode.StartTls => SecureSocketOptions.StartTls,
        EmailTlsMode.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
        EmailTlsMode.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };

    private static ResiliencePipeline BuildPipeline(OutboundResilienceOptions options, TimeProvider time)
    {
        var transient = new PredicateBuilder()
            .Handle<SocketException>()
            .Handle<IOException>()
            .Handle<SmtpProtocolException>()
            .Handle<ServiceNotConnectedException>()
            .Handle<TimeoutRejectedException>()
            .Handle<SmtpCommandException>(e => (int)e.StatusCode is >= 400 and < 500);

        var builder = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddTimeout(options.TotalTimeout);
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        }

        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = transient,
                FailureRatio = options.CircuitBreakerFailureRatio,
                MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                SamplingDuration = options.CircuitBreakerSamplingDuration,
                BreakDuration = options.CircuitBreakerBreakDuration,
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }
}
