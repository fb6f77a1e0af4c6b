using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsFunctions.Operations.Approvals;
using OpsFunctions.Operations.Durability;
using OpsFunctions.Operations.Http;

namespace OpsFunctions.FunctionApp.Approvals;

/// <summary>
/// Approval links on Azure Functions, over the handlers the ASP.NET Core host maps: GET shows what the link does and
/// changes nothing, POST redeems it once. Anonymous at the platform: the token's signature is the credential.
/// </summary>
public static class ApprovalFunctions
{
    [Function("ShowApproval")]
    public static async Task<IResult> Show(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "approvals/{token}")] HttpRequest request,
        string token,
        [DurableClient] DurableTaskClient client)
        => Services(request, client) is { } services
            ? await ApprovalEndpoints.ShowAsync(token, request, services, request.HttpContext.RequestAborted)
            : NotConfigured;

    [Function("RedeemApproval")]
    public static async Task<IResult> Redeem(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "approvals/{token}")] HttpRequest request,
        string token,
        [DurableClient] DurableTaskClient client)
        => Services(request, client) is { } services
            ? await ApprovalEndpoints.RedeemAsync(
                token, request, services, request.HttpContext.RequestServices.GetRequiredService<ILogger<ApprovalTokens>>(), request.HttpContext.RequestAborted)
            : NotConfigured;

    private static IResult NotConfigured => Problems.Status(
        StatusCodes.Status503ServiceUnavailable, "Not configured", $"Approval links need {FunctionAppApprovals.SigningKeySetting} to be set.");

    // Approvals are registered only when the app has a signing key (FunctionAppApprovals); the client comes from the binding.
    private static ApprovalServices? Services(HttpRequest request, DurableTaskClient client)
    {
        var services = request.HttpContext.RequestServices;
        var time = services.GetRequiredService<TimeProvider>();
        return services.GetService<ApprovalTokens>() is { } tokens ? new ApprovalServices(tokens, new OnceGate(client, time), client, time) : null;
    }
}
