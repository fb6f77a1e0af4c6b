using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsFunctions.Operations.Durability;
using OpsFunctions.Operations.Http;

namespace OpsFunctions.Operations.Approvals;

/// <summary>Asks for an approval link (management API, admin key).</summary>
public sealed record ApprovalRequest(string? InstanceId, string? EventName, string? Decision, string? Approver, int? ExpiresInMinutes);

public sealed record ApprovalLink(string Token, string Url, DateTimeOffset ExpiresAt);

public sealed record ApprovalServices(ApprovalTokens Tokens, OnceGate Gate, DurableTaskClient Client, TimeProvider TimeProvider);

/// <summary>
/// Approval links: GET shows a confirmation page and changes nothing (chat link previewers fetch links);
/// POST redeems the token once and raises its event on the waiting instance.
/// </summary>
public static partial class ApprovalEndpoints
{
    public const string Scope = "approval";

    /// <summary>The actor a redeemed link names when it was issued for nobody in particular.</summary>
    public const string LinkActor = "link";
    public const int MaxLifetimeMinutes = 60 * 24 * 30;

    /// <summary>
    /// Binds <c>Approvals</c> and adds the tokens and the signed links the features send. The host adds the
    /// <see cref="ApprovalSigningKey"/> and its <see cref="IHostAddress"/>.
    /// </summary>
    public static IServiceCollection AddApprovals(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOpsIngress(configuration);
        services.AddOptions<ApprovalOptions>().Bind(configuration.GetSection(ApprovalOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ApprovalTokens>();
        services.TryAddSingleton<IActionLinks, ApprovalLinks>();
        return services;
    }

    /// <summary>Maps the links people click; issuing a link (<see cref="IssueAsync"/>) belongs to the host's management API.</summary>
    public static IEndpointRouteBuilder MapApprovalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/approvals/{token}", ShowAsync);
        app.MapPost("/api/approvals/{token}", RedeemAsync);
        return app;
    }

    // IResult: the answer is an HTML page or, for callers asking for JSON, problem details.
    public static async Task<IResult> ShowAsync(string token, HttpRequest request, [AsParameters] ApprovalServices services, CancellationToken cancellationToken)
    {
        var (problem, claims) = Check(token, request, services);
        if (problem is not null)
        {
            return problem;
        }

        if (await services.Gate.IsClaimedAsync(Scope, claims!.Nonce, cancellationToken))
        {
            return ApprovalPages.Answer(request, StatusCodes.Status409Conflict, "Already used", "This approval link has already been used.");
        }

        if (await services.Client.GetInstanceAsync(claims.InstanceId, cancellation: cancellationToken) is null)
        {
            return UnknownInstance(request, claims);
        }

        return ApprovalPages.Confirm(claims, $"{request.PathBase}{request.Path}");
    }

    public static async Task<IResult> RedeemAsync(string token, HttpRequest request, [AsParameters] ApprovalServices services, ILogger<ApprovalTokens> logger, CancellationToken cancellationToken)
    {
        var (problem, claims) = Check(token, request, services);
        if (problem is not null)
        {
            return problem;
        }

        // Held a minute past expiry: by then the token is refused as expired anyway.
        var hold = claims!.ExpiresAt - services.TimeProvider.GetUtcNow() + TimeSpan.FromMinutes(1);
        if (!(await services.Gate.TryClaimAsync(Scope, claims.Nonce, hold, claims.InstanceId, cancellationToken)).Claimed)
        {
            return ApprovalPages.Answer(request, StatusCodes.Status409Conflict, "Already used", "This approval link has already been used.");
        }

        // One payload for every waiter: who acted and how (what an incident records), and the decision itself.
        var payload = new
        {
            actor = string.IsNullOrWhiteSpace(claims.Approver) ? LinkActor : claims.Approver,
            note = "via a signed link",
            decision = claims.Decision,
            approver = claims.Approver,
            decidedAt = services.TimeProvider.GetUtcNow(),
        };
        try
        {
            await services.Client.RaiseEventAsync(claims.InstanceId, claims.EventName, payload, cancellationToken);
        }
        catch (ArgumentException)
        {
            // What the official clients throw for an instance that does not exist.
            return UnknownInstance(request, claims);
        }
        catch (InvalidOperationException)
        {
            return ApprovalPages.Answer(request, StatusCodes.Status409Conflict, "Already finished", $"Workflow '{claims.InstanceId}' has already finished; the decision was not recorded.");
        }

        LogRedeemed(logger, claims.InstanceId, claims.EventName, claims.Decision);
        return ApprovalPages.Answer(request, StatusCodes.Status200OK, "Recorded", $"Decision '{claims.Decision}' sent to workflow '{claims.InstanceId}' as event '{claims.EventName}'.");
    }

    public static async Task<Results<Created<ApprovalLink>, ProblemHttpResult>> IssueAsync(
        HttpRequest request, ApprovalTokens tokens, TimeProvider timeProvider, IOptions<WebhookLimits> limits, CancellationToken cancellationToken)
    {
        var json = await JsonBody.ReadAsync(request, limits.Value.MaxBodyBytes, allowEmpty: false, cancellationToken);
        if (json.Problem is { } problem)
        {
            return problem;
        }

        var missing = JsonBody.MissingFields(json.Json, "instanceId", "eventName", "decision");
        if (missing.Count > 0)
        {
            return Problems.Invalid(missing);
        }

        ApprovalRequest body;
        try
        {
            body = json.Json.Deserialize<ApprovalRequest>(JsonSerializerOptions.Web)!;
        }
        catch (JsonException exception)
        {
            return Problems.Invalid(exception.Path?.TrimStart('$', '.') is { Length: > 0 } field ? field : "body", $"The request does not fit: {exception.Message}");
        }

        if (body.ExpiresInMinutes is < 1 or > MaxLifetimeMinutes)
        {
            return Problems.Invalid("expiresInMinutes", $"The field 'expiresInMinutes' must be between 1 and {MaxLifetimeMinutes}.");
        }

        var lifetime = body.ExpiresInMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : tokens.DefaultLifetime;
        var token = tokens.Issue(body.InstanceId!, body.EventName!, body.Decision!, body.Approver, lifetime);
        var url = tokens.LinkFor(token, new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/")).ToString();
        return TypedResults.Created(url, new ApprovalLink(token, url, timeProvider.GetUtcNow() + lifetime));
    }

    private static (IResult? Problem, ApprovalClaims? Claims) Check(string token, HttpRequest request, ApprovalServices services)
    {
        var (state, claims) = services.Tokens.Read(token);
        return state switch
        {
            ApprovalTokenState.Valid => (null, claims),
            ApprovalTokenState.Expired => (ApprovalPages.Answer(request, StatusCodes.Status410Gone, "Expired", $"This approval link expired at {claims!.ExpiresAt:u}."), null),
            ApprovalTokenState.Tampered => (ApprovalPages.Answer(request, StatusCodes.Status403Forbidden, "Not valid", "This approval link has been altered; its signature does not match."), null),
            _ => (ApprovalPages.Answer(request, StatusCodes.Status404NotFound, "Unknown link", "This is not an approval link this host issued."), null),
        };
    }

    private static IResult UnknownInstance(HttpRequest request, ApprovalClaims claims)
        => ApprovalPages.Answer(request, StatusCodes.Status404NotFound, "Unknown workflow", $"No workflow '{claims.InstanceId}' exists (it may have been purged).");

    [LoggerMessage(EventId = 5200, Level = LogLevel.Information, Message = "Approval link redeemed: event '{EventName}' with decision '{Decision}' sent to '{InstanceId}'.")]
    private static partial void LogRedeemed(ILogger logger, string instanceId, string eventName, string decision);
}
