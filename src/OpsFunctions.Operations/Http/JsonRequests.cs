using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace OpsFunctions.Operations.Http;

/// <summary>Request bodies read into a type, with the fields a route requires.</summary>
public static class JsonRequests
{
    /// <summary>
    /// Reads the body (see <see cref="JsonBody.ReadAsync"/>), insists on the <paramref name="required"/> fields (present,
    /// not null, not blank), and binds it with web defaults; a value of the wrong type is a 400 naming its field.
    /// </summary>
    public static async Task<(T? Body, ProblemHttpResult? Problem)> ReadAsync<T>(
        HttpRequest request, long limit, CancellationToken cancellationToken, params string[] required)
        where T : class
    {
        var json = await JsonBody.ReadAsync(request, limit, allowEmpty: false, cancellationToken);
        if (json.Problem is { } problem)
        {
            return (null, problem);
        }

        var missing = JsonBody.MissingFields(json.Json, required);
        foreach (var field in required.Where(f => !missing.ContainsKey(f) && json.Json?[f] is JsonValue value
            && value.TryGetValue<string>(out var text) && string.IsNullOrWhiteSpace(text)))
        {
            missing[field] = $"The field '{field}' is required.";
        }

        if (missing.Count > 0)
        {
            return (null, Problems.Invalid(missing));
        }

        try
        {
            return (json.Json.Deserialize<T>(JsonSerializerOptions.Web), null);
        }
        catch (JsonException exception)
        {
            return (null, Problems.Invalid(FieldOf(exception), $"The request does not fit: {exception.Message}"));
        }
    }

    /// <summary>The field a deserialization error points at (its JSON path), or <c>body</c>.</summary>
    public static string FieldOf(JsonException exception)
        => exception.Path?.TrimStart('$', '.') is { Length: > 0 } field ? field : "body";
}
