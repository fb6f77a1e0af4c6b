using System.Diagnostics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OpsFunctions.Durable.Diagnostics;

namespace OpsFunctions.Host.Observability;

/// <summary>Logging and tracing: JSON console logs when output is not a terminal; OpenTelemetry traces, exported over OTLP only when <c>OTEL_*</c> says where.</summary>
public static class TelemetryRegistration
{
    public const string ServiceName = "opsfunctions-host";

    public static WebApplicationBuilder AddOpsLogging(this WebApplicationBuilder builder)
    {
        // Request logs carry the path and query: approval tokens and 'code' keys live there. Configuration may still lower this.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        if (Console.IsOutputRedirected)
        {
            // Log collectors read one JSON object per line; colours and wrapping are for people.
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(options => options.UseUtcTimestamp = true);
        }

        return builder;
    }

    /// <summary>An approval link's token is its credential: traces show the route, not the token.</summary>
    public static void HideApprovalToken(Activity activity, HttpRequest request)
    {
        if (request.Path.StartsWithSegments("/api/approvals", StringComparison.OrdinalIgnoreCase))
        {
            activity.SetTag("url.path", "/api/approvals/{token}");
        }
    }

    public static WebApplicationBuilder AddOpsTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var exportOtlp = !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
            || !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? ServiceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(DurableTracing.SourceName)
                    .AddAspNetCoreInstrumentation(options => options.EnrichWithHttpRequest = HideApprovalToken)
                    .AddHttpClientInstrumentation();
                if (exportOtlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
        return builder;
    }
}
