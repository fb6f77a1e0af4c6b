using OpsFunctions.Operations.Http;

namespace OpsFunctions.Operations.Approvals;

/// <summary>
/// <see cref="IActionLinks"/> over the host's approval tokens: a signed, expiring, single-use link
/// <c>{Approvals:PublicUrl or the host's address}/api/approvals/{token}</c> bound to one instance and one event.
/// </summary>
public sealed class ApprovalLinks(ApprovalTokens tokens, IHostAddress host) : IActionLinks
{
    public Task<Uri> CreateAsync(string instanceId, string eventName, string decision, string? actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var token = tokens.Issue(instanceId, eventName, decision, actor, tokens.DefaultLifetime);
        return Task.FromResult(tokens.LinkFor(token, host.BaseAddress));
    }
}
