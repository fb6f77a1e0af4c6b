using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OpsFunctions.Operations.Approvals;

namespace OpsFunctions.Host.Approvals;

/// <summary>
/// <see cref="IActionLinks"/> over the host's approval tokens: a signed, expiring, single-use link
/// <c>{Approvals:PublicUrl or the listening address}/api/approvals/{token}</c> bound to one instance and one event.
/// </summary>
public sealed class ApprovalLinks(ApprovalTokens tokens, IServer server) : IActionLinks
{
    public Task<Uri> CreateAsync(string instanceId, string eventName, string decision, string? actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var token = tokens.Issue(instanceId, eventName, decision, actor, tokens.DefaultLifetime);
        return Task.FromResult(tokens.LinkFor(token, ListeningAddress()));
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
