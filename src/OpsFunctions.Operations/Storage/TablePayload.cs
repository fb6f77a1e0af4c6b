using System.IO.Compression;
using System.Text;
using Azure.Data.Tables;

namespace OpsFunctions.Operations.Storage;

/// <summary>
/// Text in table properties past their 64 KB limit: up to 32,000 characters it is one readable string property;
/// longer text is gzipped UTF-8 split over binary properties of 64,000 bytes (<c>&lt;name&gt;Gz00</c>, <c>Gz01</c>...,
/// their count in <c>&lt;name&gt;GzParts</c>). A 1,000-alert incident record compresses to a few of those. Every
/// feature's table store keeps large records and timeline entries this way.
/// </summary>
internal static class TablePayload
{
    /// <summary>The longest text kept as a plain string property (a property holds 32 K UTF-16 characters).</summary>
    public const int MaxInlineChars = 32_000;

    /// <summary>The bytes of one binary property (the limit is 64 KiB).</summary>
    public const int ChunkBytes = 64_000;

    /// <summary>The most compressed bytes one entity carries (an entity holds 1 MiB, keys and other properties included).</summary>
    public const int MaxCompressedBytes = 14 * ChunkBytes;

    public static void Write(TableEntity entity, string name, string text, string what)
    {
        if (text.Length <= MaxInlineChars)
        {
            entity[name] = text;
            return;
        }

        byte[] compressed;
        using (var buffer = new MemoryStream())
        {
            using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            {
                gzip.Write(Encoding.UTF8.GetBytes(text));
            }

            compressed = buffer.ToArray();
        }

        if (compressed.Length > MaxCompressedBytes)
        {
            throw new InvalidOperationException(
                $"{what} is {text.Length:N0} characters, {compressed.Length:N0} bytes compressed: more than the {MaxCompressedBytes:N0} bytes one table row holds.");
        }

        var parts = 0;
        for (var offset = 0; offset < compressed.Length; offset += ChunkBytes, parts++)
        {
            entity[$"{name}Gz{parts:D2}"] = compressed.AsSpan(offset, Math.Min(ChunkBytes, compressed.Length - offset)).ToArray();
        }

        entity[name + "GzParts"] = parts;
    }

    public static string? Read(TableEntity entity, string name)
    {
        if (entity.GetString(name) is { } text)
        {
            return text;
        }

        if (entity.GetInt32(name + "GzParts") is not { } parts)
        {
            return null;
        }

        using var compressed = new MemoryStream();
        for (var part = 0; part < parts; part++)
        {
            var bytes = entity.GetBinary($"{name}Gz{part:D2}")
                ?? throw new InvalidDataException($"Row '{entity.PartitionKey}/{entity.RowKey}' lacks part {part} of {parts} of '{name}'.");
            compressed.Write(bytes);
        }

        compressed.Position = 0;
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
