using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OpsFunctions.Operations.Storage;

/// <summary>
/// How every feature's stores keep a <see cref="TimelineEntry"/>: its JSON, and the key that makes a repeated entry
/// the same row, so a retried activity's append does not duplicate it.
/// </summary>
internal static class TimelineFormat
{
    /// <summary>The JSON of stored records and entries (web defaults: camelCase, enums by name through their attributes).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(TimelineEntry entry) => JsonSerializer.Serialize(entry, Json);

    public static TimelineEntry Deserialize(string json)
        => JsonSerializer.Deserialize<TimelineEntry>(json, Json) ?? throw new InvalidDataException("A stored timeline entry is null.");

    /// <summary>
    /// Gets the key of an entry within its time: 16 hex digits of SHA-256 over its actor, kind and text. With the
    /// time's ticks it identifies the entry, so appending it again finds the row already there.
    /// </summary>
    public static string EntryKey(TimelineEntry entry)
    {
        // Length prefixes keep ("a", "bc") and ("ab", "c") apart.
        var text = $"{entry.Actor.Length}:{entry.Actor}|{entry.Kind.Length}:{entry.Kind}|{entry.Text}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 8);
    }

    /// <summary>Drops entries that repeat an earlier one of the same batch, keeping the order.</summary>
    public static List<(TimelineEntry Entry, long Ticks, string Key)> Distinct(IReadOnlyList<TimelineEntry> entries)
    {
        var seen = new HashSet<(long, string)>();
        var distinct = new List<(TimelineEntry, long, string)>(entries.Count);
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry);
            var ticks = entry.At.UtcTicks;
            var key = EntryKey(entry);
            if (seen.Add((ticks, key)))
            {
                distinct.Add((entry, ticks, key));
            }
        }

        return distinct;
    }
}
