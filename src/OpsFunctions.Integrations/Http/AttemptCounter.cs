namespace OpsFunctions.Integrations.Http;

/// <summary>Counts the attempts of one logical request; carried in the request's options across retries.</summary>
internal sealed class AttemptCounter
{
    public static readonly HttpRequestOptionsKey<AttemptCounter> Key = new("OpsFunctions.Attempts");

    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);
}

/// <summary>Sits inside the resilience handler, so it sees every attempt, and counts it.</summary>
internal sealed class AttemptCountingHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(AttemptCounter.Key, out var counter))
        {
            counter.Increment();
        }

        return base.SendAsync(request, cancellationToken);
    }
}
