namespace OpsFunctions.Integrations.Traffic;

/// <summary>
/// Checks a change (weights 0 to 100, at least one backend with an address, not every backend down, what the
/// provider needs) and hands it to the target's provider: nginx (an upstream file, tested and reloaded) or HTTP (a
/// webhook told the weights). Bad input and failures are results; only cancellation throws.
/// </summary>
internal sealed partial class TrafficRouter(NginxTrafficProvider nginx, HttpTrafficProvider http, ILogger<TrafficRouter> logger) : ITrafficRouter
{
    public async Task<TrafficChange> ApplyAsync(TrafficTarget target, IReadOnlyList<TrafficBackend> backends, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var invalid = TrafficInput.Validate(target, backends);
        if (invalid is not null)
        {
            LogRefused(target?.Provider, target?.Upstream, invalid);
            return new TrafficChange(false, "nothing applied: the change is not valid", invalid);
        }

        var change = target.Provider switch
        {
            TrafficProviderKind.Nginx => await nginx.ApplyAsync(target, backends, cancellationToken).ConfigureAwait(false),
            _ => await http.ApplyAsync(target, backends, cancellationToken).ConfigureAwait(false),
        };
        if (change.Success)
        {
            LogApplied(target.Provider, target.Upstream, change.Detail);
        }
        else
        {
            LogFailed(target.Provider, target.Upstream, change.Error);
        }

        return change;
    }

    [LoggerMessage(6100, LogLevel.Information, "Traffic of {Upstream} changed through {Provider}: {Detail}")]
    private partial void LogApplied(TrafficProviderKind provider, string upstream, string detail);

    [LoggerMessage(6101, LogLevel.Warning, "Traffic change of {Upstream} through {Provider} failed: {Reason}")]
    private partial void LogFailed(TrafficProviderKind provider, string upstream, string? reason);

    [LoggerMessage(6103, LogLevel.Warning, "Traffic change of {Upstream} through {Provider} refused: {Reason}")]
    private partial void LogRefused(TrafficProviderKind? provider, string? upstream, string reason);
}
