using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OpsFunctions.Host.Approvals;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.Host.Incidents;

/// <summary>
/// <see cref="IActionLinks"/> over the host's approval tokens: a signed, expiring, single-use link
/// <c>{Approvals:PublicUrl or the listening address}/api/approvals/{token}</c> bound to one incident and one event.
/// Redeeming it (<c>POST</c>) raises the event with an <see cref="IncidentAction"/> naming the token's approver, or
/// <see cref="LinkActor"/>; see <see cref="RedeemPayload"/>.
/// </summary>
public sealed class ActionLinks(ApprovalTokens tokens, IServer server) : IActionLinks
{
    /// <summary>The actor an incident link names when it was issued for nobody in particular.</summary>
    public const string LinkActor = "link";

    public const string AcknowledgeDecision = "acknowledge";
    public const string ResolveDecision = "resolve";

    public Task<Uri> CreateAsync(string instanceId, string eventName, string? actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var decision = eventName switch
        {
            IncidentEvents.Acknowledged => AcknowledgeDecision,
            IncidentEvents.Resolved => ResolveDecision,
            _ => eventName,
        };
        var token = tokens.Issue(instanceId, eventName, decision, actor, tokens.DefaultLifetime);
        return Task.FromResult(tokens.LinkFor(token, ListeningAddress()));
    }

    /// <summary>
    /// The event payload for a redeemed token: an <see cref="IncidentAction"/> for an incident link (event
    /// <c>acknowledged</c> or <c>resolved</c> with its decision), so the incident records who acted;
    /// <see langword="null"/> for any other approval, which keeps its own payload.
    /// </summary>
    public static IncidentAction? RedeemPayload(ApprovalClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var incidentLink = (claims.EventName, claims.Decision) is (IncidentEvents.Acknowledged, AcknowledgeDecision) or (IncidentEvents.Resolved, ResolveDecision);
        return incidentLink
            ? new IncidentAction(string.IsNullOrWhiteSpace(claims.Approver) ? LinkActor : claims.Approver, "via a signed link")
            : null;
    }

    // Links go out from activities, outside any request: without Approvals:PublicUrl they point at the address the
    // host listens on, a wildcard host (0.0.0.0, [::], +, *) read as localhost.
    private Uri ListeningAddress()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:7071";
        foreach (var wildcard in (string[])["://0.0.0.0", "://[::]", "://+", "://*"])
        {
            address = address.Replace(wildcard, "://localhost", StringComparison.Ordinal);
        }

        return new Uri(address.EndsWith('/') ? address : address + "/");
    }
}
