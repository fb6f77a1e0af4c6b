using System.Runtime.CompilerServices;

namespace OpsFunctions.Durable.Client;

/// <summary>
/// A sequence fetched page by page; enumerate it with <c>await foreach</c>, or page it with <see cref="AsPages"/>.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public abstract class AsyncPageable<T> : IAsyncEnumerable<T>
    where T : notnull
{
    /// <summary>Enumerates the pages.</summary>
    /// <param name="continuationToken">The token of the page to start at.</param>
    /// <param name="pageSizeHint">The preferred page size.</param>
    /// <returns>The pages.</returns>
    public abstract IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null);

    /// <inheritdoc/>
    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        await foreach (var page in AsPages().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var value in page.Values)
            {
                yield return value;
            }
        }
    }

    /// <summary>Creates a pageable from a function that fetches one page.</summary>
    /// <param name="fetchPage">Fetches the page at a continuation token with a page size hint.</param>
    /// <returns>The pageable.</returns>
    public static AsyncPageable<T> Create(Func<string?, int?, CancellationToken, Task<Page<T>>> fetchPage)
        => new FuncPageable(fetchPage);

    private sealed class FuncPageable(Func<string?, int?, CancellationToken, Task<Page<T>>> fetchPage) : AsyncPageable<T>
    {
        public override IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
            => Enumerate(continuationToken, pageSizeHint);

        private async IAsyncEnumerable<Page<T>> Enumerate(
            string? continuationToken, int? pageSizeHint, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            do
            {
                var page = await fetchPage(continuationToken, pageSizeHint, cancellationToken).ConfigureAwait(false);
                yield return page;
                continuationToken = page.ContinuationToken;
            }
            while (continuationToken is not null);
        }
    }
}

/// <summary>
/// One page of results.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Values">Gets the items.</param>
/// <param name="ContinuationToken">Gets the token of the next page, or <see langword="null"/> on the last page.</param>
public sealed record Page<T>(IReadOnlyList<T> Values, string? ContinuationToken)
    where T : notnull;
