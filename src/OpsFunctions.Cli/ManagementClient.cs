using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpsFunctions.Cli;

/// <summary>Which key a client sends, so a refusal names the right one.</summary>
public enum KeyKind
{
    Admin,
    Function,

    /// <summary>The admin key sent to function routes, for want of a function key.</summary>
    AdminForFunction,
}

/// <summary>The host's management API over HTTP, with every failure turned into a message a person can act on.</summary>
public sealed class ManagementClient(HttpClient http, Uri baseAddress, string? adminKey, KeyKind keyKind = KeyKind.Admin)
{
    public const string Api = "runtime/webhooks/durabletask";

    public async Task<(JsonArray Page, string? Continuation)> ListAsync(string query, string? continuation, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, $"{Api}/instances{query}");
        if (continuation is not null)
        {
            request.Headers.Add("x-ms-continuation-token", continuation);
        }

        using var response = await SendAsync(request, cancellationToken);
        var page = (await ReadAsync(response, cancellationToken))?.AsArray() ?? [];
        return (page, response.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.FirstOrDefault() : null);
    }

    public async Task<JsonObject> GetAsync(string instanceId, bool history, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, $"{Api}/instances/{Uri.EscapeDataString(instanceId)}{(history ? "?showHistory=true&showHistoryOutput=true" : string.Empty)}");
        using var response = await SendAsync(request, cancellationToken);
        return (await ReadAsync(response, cancellationToken))!.AsObject();
    }

    public async Task<JsonObject> StartAsync(string name, string? instanceId, string? input, CancellationToken cancellationToken)
    {
        var path = $"{Api}/orchestrators/{Uri.EscapeDataString(name)}{(instanceId is null ? string.Empty : "/" + Uri.EscapeDataString(instanceId))}";
        using var request = Request(HttpMethod.Post, path, input);
        using var response = await SendAsync(request, cancellationToken);
        return (await ReadAsync(response, cancellationToken))!.AsObject();
    }

    public async Task PostAsync(string path, string? json, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, path, json);
        using var response = await SendAsync(request, cancellationToken);
    }

    /// <summary>Posts JSON and returns the answer's JSON body (null when empty).</summary>
    public async Task<JsonNode?> PostForJsonAsync(string path, string json, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, path, json);
        using var response = await SendAsync(request, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    /// <summary>One page of <c>GET api/incidents</c>, and the next page's token.</summary>
    public async Task<(JsonArray Page, string? Continuation)> IncidentsAsync(string query, string? continuation, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, $"api/incidents{query}");
        if (continuation is not null)
        {
            request.Headers.Add("x-ms-continuation-token", continuation);
        }

        using var response = await SendAsync(request, cancellationToken);
        var page = (await ReadAsync(response, cancellationToken))?.AsArray() ?? [];
        return (page, response.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.FirstOrDefault() : null);
    }

    public async Task<int> PurgeAsync(string instanceId, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Delete, $"{Api}/instances/{Uri.EscapeDataString(instanceId)}");
        using var response = await SendAsync(request, cancellationToken);
        return (await ReadAsync(response, cancellationToken))?["instancesDeleted"]?.GetValue<int>() ?? 0;
    }

    /// <summary>Redeems an approval link; approval routes take no key, the token is the credential.</summary>
    public async Task<string> ApproveAsync(Uri approvalUrl, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, approvalUrl);
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await SendAsync(request, cancellationToken);
        var body = await ReadAsync(response, cancellationToken);
        return body?["detail"]?.GetValue<string>() ?? "Recorded.";
    }

    private HttpRequestMessage Request(HttpMethod method, string path, string? json = null)
    {
        var request = new HttpRequestMessage(method, new Uri(baseAddress, path));
        if (!string.IsNullOrEmpty(adminKey))
        {
            request.Headers.Add("x-functions-key", adminKey);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new CliException(
                $"Cannot reach the host at {baseAddress}: {exception.Message}. Is it running (dotnet run --project src/OpsFunctions.Host)? Point --url or OPS_URL at it.",
                ExitCodes.Unreachable);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"The host at {baseAddress} did not answer in time.", ExitCodes.Unreachable);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var detail = await ProblemDetailAsync(response, cancellationToken);
            throw response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => new CliException(
                    keyKind switch
                    {
                        KeyKind.Function => $"The host refused the function key: {detail} Pass --function-key or set OPS_FUNCTION_KEY (a generated key is in the host's .opsfunctions/<hub>.keys.json).",
                        KeyKind.AdminForFunction => $"The host refused the key: {detail} Pass --function-key or set OPS_FUNCTION_KEY (or the admin key with --key or OPS_ADMIN_KEY; generated keys are in the host's .opsfunctions/<hub>.keys.json).",
                        _ => $"The host refused the admin key: {detail} Pass --key or set OPS_ADMIN_KEY (a generated key is in the host's .opsfunctions/<hub>.keys.json).",
                    },
                    ExitCodes.Unauthorized),
                HttpStatusCode.NotFound => new CliException(detail, ExitCodes.NotFound),
                _ => new CliException($"{(int)response.StatusCode} {response.ReasonPhrase}: {detail}", ExitCodes.Failed),
            };
        }
    }

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            var problem = JsonNode.Parse(text);
            var detail = problem?["detail"]?.GetValue<string>() ?? problem?["title"]?.GetValue<string>();
            if (problem?["errors"] is JsonObject errors)
            {
                detail += " (" + string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value?[0]}")) + ")";
            }

            return detail ?? text;
        }
        catch (JsonException)
        {
            return string.IsNullOrWhiteSpace(text) ? "(no details)" : text;
        }
    }

    private static async Task<JsonNode?> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }
}
