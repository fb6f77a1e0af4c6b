namespace OpsFunctions.Operations.Approvals;

/// <summary>
/// Issues the signed, expiring, single-use links that raise an event on an instance (the host's approval tokens).
/// </summary>
public interface IActionLinks
{
    /// <summary>
    /// Creates a link that raises <paramref name="eventName"/> on <paramref name="instanceId"/>, shown as
    /// <paramref name="decision"/> on its confirmation page, naming <paramref name="actor"/> when given.
    /// </summary>
    /// <remarks>
    /// Redeeming it raises <c>{ actor, note, decision, approver, decidedAt }</c>: <c>actor</c> is the approver, or
    /// <c>link</c> for a link issued to nobody in particular, and <c>note</c> says it came through a signed link.
    /// </remarks>
    Task<Uri> CreateAsync(string instanceId, string eventName, string decision, string? actor, CancellationToken cancellationToken);
}
