using OpsFunctions.Host.Hosting;
using OpsFunctions.Host.Management;
using OpsFunctions.Host.Observability;
using OpsFunctions.Host.Schedules;
using OpsFunctions.Host.Security;
using OpsFunctions.Operations;
using OpsFunctions.Operations.Approvals;
using OpsFunctions.Operations.Deployments;
using OpsFunctions.Operations.Http;
using OpsFunctions.Operations.Incidents;
using OpsFunctions.Operations.Triggers;

namespace OpsFunctions.Host;

/// <summary>
/// Everything the host adds and maps, in one place so tests build exactly what <c>Program.cs</c> runs.
/// </summary>
public static class OpsFunctionsHostExtensions
{
    public static WebApplicationBuilder AddOpsFunctions(this WebApplicationBuilder builder)
    {
        builder.AddFunctionsConfiguration();
        builder.AddOpsLogging();
        builder.AddOpsTelemetry();
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = Problems.DescribeUnexpected);
        builder.Services.AddOpsEngine(builder.Configuration, builder.Environment);
        builder.Services.AddHostKeys();
        builder.Services.AddWebhooks(builder.Configuration);
        builder.Services.AddApprovals(builder.Configuration);
        builder.Services.AddSchedules(builder.Configuration);
        builder.Services.AddIncidentResponse(builder.Configuration);
        builder.Services.AddDeployments(builder.Configuration);
        builder.Services.AddOpsObservability();
        return builder;
    }

    public static WebApplication MapOpsFunctions(this WebApplication app)
    {
        // Errors the framework answers itself (an exception, no route, a wrong method) get problem details too, not an empty body.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseWebhookMetrics();
        app.MapHealthEndpoints();
        app.MapMetricsEndpoint();
        app.MapManagementEndpoints();
        app.MapWebhookEndpoints();
        app.MapApprovalEndpoints();
        app.MapIncidentEndpoints();
        app.MapDeploymentEndpoints();
        return app;
    }
}
