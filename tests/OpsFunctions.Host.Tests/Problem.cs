using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace OpsFunctions.Host.Tests;

/// <summary>Assertions on RFC 7807 answers.</summary>
public static class Problem
{
    /// <summary>Asserts the status and a problem+json body; returns the body.</summary>
    public static async Task<JsonObject> AssertAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
        Assert.Equal((int)status, body["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(body["detail"]?.GetValue<string>()));
        return body;
    }

    /// <summary>Asserts a 400 whose <c>errors</c> name <paramref name="field"/>.</summary>
    public static async Task AssertNamesFieldAsync(HttpResponseMessage response, string field)
    {
        var body = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.True(body["errors"]!.AsObject().ContainsKey(field), $"errors should name '{field}': {body.ToJsonString()}");
    }
}
