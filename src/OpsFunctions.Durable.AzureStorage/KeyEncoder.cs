using System.Globalization;
using System.Text;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// Turns instance ids into table keys and blob folders: Azure Tables refuse '/', '\', '#', '?' and control characters in keys.
/// The encoding keeps prefixes, so a prefix query on ids is a range query on keys; '%' is escaped too, so it is one to one.
/// Other tables keyed by instance ids (the host's incidents) use it as well.
/// </summary>
public static class KeyEncoder
{
    /// <summary>Gets the table key of an id: the id itself unless it holds a character Azure Tables refuse.</summary>
    /// <param name="instanceId">The id.</param>
    /// <returns>The key.</returns>
    public static string Encode(string instanceId)
    {
        if (!instanceId.AsSpan().ContainsAny(Escaped))
        {
            return instanceId;
        }

        var builder = new StringBuilder(instanceId.Length + 8);
        foreach (var c in instanceId)
        {
            if (Escaped.Contains(c))
            {
                builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>The smallest key greater than every key starting with <paramref name="prefix"/>.</summary>
    internal static string UpperBound(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    private static readonly System.Buffers.SearchValues<char> Escaped = System.Buffers.SearchValues.Create(
        "%/\\#?" + new string(Enumerable.Range(0, 32).Concat(Enumerable.Range(0x7F, 0x21)).Select(i => (char)i).ToArray()));
}
