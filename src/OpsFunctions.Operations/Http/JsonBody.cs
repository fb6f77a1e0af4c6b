using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace OpsFunctions.Operations.Http;

/// <summary>A request body read as JSON, or the problem to answer instead.</summary>
public readonly record struct JsonBody(JsonNode? Json, byte[] Raw, ProblemHttpResult? Problem)
{
    public bool IsEmpty => Raw.Length == 0;

    /// <summary>
    /// Reads at most <paramref name="limit"/> bytes (413 beyond), insists on a JSON content type when there is a body
    /// (415), and parses it (400 naming where it breaks).
    /// </summary>
    public static async Task<JsonBody> ReadAsync(HttpRequest request, long limit, bool allowEmpty, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return Fail(Problems.TooLarge($"The body is {request.ContentLength} bytes; this route takes at most {limit}."));
        }

        var raw = await ReadLimitedAsync(request, limit, cancellationToken);
        return raw is null
            ? Fail(Problems.TooLarge($"The body is larger than the {limit} bytes this route takes."))
            : Parse(request, raw, allowEmpty);
    }

    /// <summary>Parses a body already read (a signed webhook is verified over its raw bytes first).</summary>
    public static JsonBody Parse(HttpRequest request, byte[] raw, bool allowEmpty)
    {
        if (raw.Length == 0)
        {
            return allowEmpty ? new JsonBody(null, raw, null) : Fail(Problems.Invalid("body", "The body is empty; send a JSON document."));
        }

        if (!IsJson(request.ContentType))
        {
            return Fail(Problems.UnsupportedMediaType(
                $"The content type is '{request.ContentType ?? "(none)"}'; send 'application/json'."));
        }

        try
        {
            return new JsonBody(JsonNode.Parse(raw), raw, null);
        }
        catch (JsonException exception)
        {
            return Fail(Problems.Invalid("body", $"The body is not valid JSON: {exception.Message}"));
        }
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; <see langword="null"/> when the body is larger.</summary>
    public static async Task<byte[]?> ReadRawAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
        => request.ContentLength > limit ? null : await ReadLimitedAsync(request, limit, cancellationToken);

    /// <summary>Names every listed field (dotted paths) that is missing, null or empty.</summary>
    public static Dictionary<string, string> MissingFields(JsonNode? json, params string[] paths)
    {
        var missing = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            JsonNode? node = json;
            foreach (var part in path.Split('.'))
            {
                node = node is JsonObject obj && obj.TryGetPropertyValue(part, out var child) ? child : null;
            }

            if (node is null || (node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length == 0))
            {
                missing[path] = $"The field '{path}' is required.";
            }
        }

        return missing;
    }

    private static JsonBody Fail(ProblemHttpResult problem) => new(null, [], problem);

    private static bool IsJson(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var mediaType = contentType.Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    private const int ReadChunkBytes = 16 * 1024;

    private static async Task<int> ReadAsync(Stream body, byte[] chunk, CancellationToken cancellationToken)
    {
        try
        {
            return await body.ReadAsync(chunk, cancellationToken);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's cap (a chunk above ours) tripped first: report it as ours.
            return int.MaxValue;
        }
    }

    private static async Task<byte[]?> ReadLimitedAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        // Kestrel's own cap stays above ours so a chunked body too large gets this route's 413, not a reset.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit + ReadChunkBytes;
        }

        var buffer = new MemoryStream();
        await using var _ = buffer;
        var chunk = new byte[ReadChunkBytes];
        int read;
        while ((read = await ReadAsync(request.Body, chunk, cancellationToken)) > 0)
        {
            if (read == int.MaxValue || buffer.Length + read > limit)
            {
                return null;
            }

            await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
        }

        return buffer.ToArray();
    }
}
