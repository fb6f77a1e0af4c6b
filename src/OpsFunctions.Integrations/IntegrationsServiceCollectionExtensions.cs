using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using OpsFunctions.Integrations;
using OpsFunctions.Integrations.Diagnostics;
using OpsFunctions.Integrations.Email;
using OpsFunctions.Integrations.Hooks;
using OpsFunctions.Integrations.Http;
using OpsFunctions.Integrations.Notifications;
using OpsFunctions.Integrations.PagerDuty;
using OpsFunctions.Integrations.Slack;
using OpsFunctions.Integrations.Teams;
using OpsFunctions.Integrations.Webhook;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the notification channels and diagnostics clients.</summary>
public static partial class IntegrationsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="INotificationSender"/> (Slack, Teams, PagerDuty, email, webhook), <see cref="IHttpHealthCheck"/>
    /// <see cref="IPrometheusQueryClient"/> and the traffic router (<see cref="AddOpsTraffic"/>), their options from
    /// <c>Notifications:*</c>, <c>Diagnostics:*</c> and <c>Traffic:*</c> (validated at start-up), and one resilient
    /// <see cref="IHttpClientFactory"/> client per channel. Every feature calls it; only the first call adds anything,
    /// since a second would stack each client's resilience handlers.
    /// </summary>
    public static IServiceCollection AddOpsIntegrations(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(IntegrationsRegistered)))
        {
            return services;
        }

        services.AddSingleton<IntegrationsRegistered>();
        services.TryAddSingleton(TimeProvider.System);

        // Each validator also checks its data annotations, naming the full key (see OptionsValidation).
        AddOptions<SlackOptions, SlackOptionsValidator>(services, configuration, SlackOptions.Section);
        AddOptions<TeamsOptions, TeamsOptionsValidator>(services, configuration, TeamsOptions.Section);
        AddOptions<PagerDutyOptions, PagerDutyOptionsValidator>(services, configuration, PagerDutyOptions.Section);
        AddOptions<EmailOptions, EmailOptionsValidator>(services, configuration, EmailOptions.Section);
        AddOptions<WebhookOptions, WebhookOptionsValidator>(services, configuration, WebhookOptions.Section);
        AddOptions<PrometheusOptions, PrometheusOptionsValidator>(services, configuration, PrometheusOptions.Section);
        foreach (var name in (string[])[OutboundResilienceOptions.Notifications, OutboundResilienceOptions.Diagnostics])
        {
            services.AddOptions<OutboundResilienceOptions>(name)
                .Bind(configuration.GetSection($"{name}:Resilience"))
                .ValidateOnStart();
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboundResilienceOptions>, OutboundResilienceOptionsValidator>());

        services.AddTransient<AttemptCountingHandler>();
        foreach (var client in (string[])[IntegrationsHttpClients.Slack, IntegrationsHttpClients.Teams, IntegrationsHttpClients.PagerDuty, IntegrationsHttpClients.Webhook])
        {
            AddResilientClient(services, client, OutboundResilienceOptions.Notifications);
        }

        AddResilientClient(services, IntegrationsHttpClients.Prometheus, OutboundResilienceOptions.Diagnostics);

        // A health check measures the service as it is: one attempt, the request's own timeout, no circuit.
        services.AddHttpClient(IntegrationsHttpClients.HealthCheck, ConfigureClient).RemoveAllLoggers();

        services.TryAddSingleton<HttpDelivery>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannelSender, SlackSender>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannelSender, TeamsSender>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannelSender, PagerDutySender>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannelSender, EmailSender>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannelSender, WebhookSender>());
        services.TryAddSingleton<INotificationSender, NotificationSender>();
        services.TryAddSingleton<IHttpHealthCheck, HttpHealthCheck>();
        services.TryAddSingleton<IPrometheusQueryClient, PrometheusQueryClient>();

        // A hook is one call within its own timeout; whether to try it again is the workflow's decision.
        services.AddHttpClient(IntegrationsHttpClients.Hooks, client => client.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
        services.TryAddSingleton<IHookRunner, HookRunner>();
        services.AddOpsTraffic(configuration);
        return services;
    }

    private static void AddOptions<TOptions, TValidator>(IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>()
            .Bind(configuration.GetSection(section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }

    private static void AddResilientClient(IServiceCollection services, string client, string settingsName)
    {
        services.AddHttpClient(client, ConfigureClient)
            // The default loggers write request URLs, and webhook URLs carry tokens in their path.
            .RemoveAllLoggers()
            .AddResilienceHandler("outbound", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<OutboundResilienceOptions>>().Get(settingsName);
                Configure(pipeline, options);
            })
            // One circuit per host: a webhook receiver that is down does not stop deliveries to another.
            .SelectPipelineByAuthority();

        // Inside the resilience handler, so it counts every attempt.
        services.AddHttpClient(client).AddHttpMessageHandler<AttemptCountingHandler>();
    }

    private static void ConfigureClient(HttpClient client)
    {
        // The resilience pipeline owns timeouts; HttpClient's own 100 s would cut a longer total short.
        client.Timeout = Timeout.InfiniteTimeSpan;
        client.DefaultRequestHeaders.UserAgent.ParseAdd("OpsFunctions/1.0");
    }

    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, OutboundResilienceOptions options)
    {
        // The standard handler's order: total timeout, retry, circuit breaker, attempt timeout.
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "TotalTimeout", Timeout = options.TotalTimeout });
        if (options.MaxRetryAttempts > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
            });
        }

        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = options.CircuitBreakerFailureRatio,
            MinimumThroughput = options.CircuitBreakerMinimumThroughput,
            SamplingDuration = options.CircuitBreakerSamplingDuration,
            BreakDuration = options.CircuitBreakerBreakDuration,
        });
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "AttemptTimeout", Timeout = options.AttemptTimeout });
    }
}

/// <summary>Marks a service collection that holds the integrations already.</summary>
internal sealed class IntegrationsRegistered;
