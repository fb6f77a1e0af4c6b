using OpsFunctions.Integrations.Traffic;

namespace OpsFunctions.Operations.Deployments;

/// <summary>Turns the canary's share into each server's share.</summary>
public static class TrafficSplit
{
    /// <summary>
    /// The canary's <paramref name="weight"/> percent spread over its servers, the rest over the stable ones; a
    /// remainder goes to the first servers, so the shares add up to 100 exactly. 0 % gives the canary nothing at all.
    /// </summary>
    public static IReadOnlyList<TrafficBackend> Backends(RolloutPlan plan, int weight)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfLessThan(weight, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weight, 100);
        return [.. Spread(plan.StableBackends, 100 - weight), .. Spread(plan.CanaryBackends, weight)];
    }

    private static IEnumerable<TrafficBackend> Spread(IReadOnlyList<string> servers, int total)
    {
        for (var i = 0; i < servers.Count; i++)
        {
            yield return new TrafficBackend(servers[i], (total / servers.Count) + (i < total % servers.Count ? 1 : 0));
        }
    }
}
