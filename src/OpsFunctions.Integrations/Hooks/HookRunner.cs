using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using OpsFunctions.Integrations.Http;
using OpsFunctions.Integrations.Processes;

namespace OpsFunctions.Integrations.Hooks;

/// <summary>
/// A hook a workflow runs to act on the outside world (deploy a version to an instance, migrate a database, restart a
/// service): a command, or an HTTP endpoint, and how long it may take.
/// </summary>
public sealed class HookOptions
{
    /// <summary>The longest a hook may take unless it says: 5 minutes.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the executable to run (a path or a name on PATH), without a shell.</summary>
    public string? Command { get; set; }

    /// <summary>Gets or sets the command's arguments; <c>{name}</c> stands for a variable of the call (<c>{version}</c>, <c>{instance}</c>).</summary>
    public List<string> Arguments { get; set; } = [];

    /// <summary>Gets or sets the URL the call's variables are posted to as JSON; <c>{name}</c> stands for a variable, escaped.</summary>
    public string? Url { get; set; }

    /// <summary>Gets or sets how long the hook may take before it counts as failed (the command is killed).</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>Says what is wrong with the hook, or <see langword="null"/>: exactly one of a command and a URL, a positive timeout.</summary>
    public string? Problem()
        => string.IsNullOrWhiteSpace(Command) == string.IsNullOrWhiteSpace(Url) ? "must set either Command or Url"
        : Url is not null && (!Uri.TryCreate(Url.Replace("{", string.Empty, StringComparison.Ordinal).Replace("}", string.Empty, StringComparison.Ordinal), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)) ? "Url must be an absolute http or https URL"
        : Timeout <= TimeSpan.Zero ? "Timeout must be positive"
        : null;

    public override string ToString() => Command is not null ? string.Join(' ', [Command, .. Arguments]) : $"POST {Url}";
}

/// <summary>How a hook went: whether it succeeded, what it did, and what it wrote (the command's output, the endpoint's answer).</summary>
public sealed record HookResult(bool Success, string Detail, string Output);

/// <summary>Runs hooks; failures are results, only cancellation throws.</summary>
public interface IHookRunner
{
    /// <summary>
    /// Runs <paramref name="hook"/> with <paramref name="variables"/>: substituted for <c>{name}</c> in the arguments or the
    /// URL, given to a command as environment variables <c>OPS_NAME</c>, posted to a URL as a JSON object.
    /// </summary>
    Task<HookResult> RunAsync(HookOptions hook, IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken);
}

/// <summary>Runs command hooks as processes and URL hooks as one POST each (a hook is not retried here: the workflow decides).</summary>
public sealed partial class HookRunner(IHttpClientFactory clients, TimeProvider time) : IHookRunner
{
    /// <summary>The most output kept of a hook.</summary>
    public const int OutputLimit = 4_000;

    public async Task<HookResult> RunAsync(HookOptions hook, IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ArgumentNullException.ThrowIfNull(variables);
        if (hook.Problem() is { } problem)
        {
            return new HookResult(false, $"the hook {problem}", string.Empty);
        }

        return hook.Command is { } command
            ? await RunCommandAsync(hook, command, variables, cancellationToken).ConfigureAwait(false)
            : await PostAsync(hook, variables, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HookResult> RunCommandAsync(HookOptions hook, string command, IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken)
    {
        var arguments = hook.Arguments.Select(a => Substitute(a, variables, escape: false)).ToList();
        var environment = variables.ToDictionary(v => "OPS_" + v.Key.ToUpperInvariant(), v => v.Value, StringComparer.Ordinal);
        var result = await CommandRunner.RunAsync(command, arguments, hook.Timeout, time, cancellationToken, environment).ConfigureAwait(false);
        var output = Limit(result.StandardOutput + (result.StandardError.Length > 0 ? "\n" + result.StandardError : string.Empty));
        var shown = string.Join(' ', [command, .. arguments]);
        return result.Succeeded
            ? new HookResult(true, $"{shown}: exit code 0", output)
            : new HookResult(false, $"{shown}: {result.Describe()}", output);
    }

    private async Task<HookResult> PostAsync(HookOptions hook, IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken)
    {
        var url = new Uri(Substitute(hook.Url!, variables, escape: true));
        var shown = $"POST {url.GetLeftPart(UriPartial.Authority)}{url.AbsolutePath}";
        using var deadline = new CancellationTokenSource(hook.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var client = clients.CreateClient(IntegrationsHttpClients.Hooks);
            using var response = await client.PostAsJsonAsync(url, variables, linked.Token).ConfigureAwait(false);
            var body = Limit(await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false));
            var status = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            return new HookResult(response.IsSuccessStatusCode, $"{shown}: {status}", body);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return new HookResult(false, $"{shown}: no answer within {hook.Timeout.TotalSeconds:0.###} s", string.Empty);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            return new HookResult(false, $"{shown}: {OutboundFailure.Describe(exception, url.Authority, out _)}", string.Empty);
        }
    }

    private static string Substitute(string text, IReadOnlyDictionary<string, string> variables, bool escape)
        => Placeholder().Replace(text, match => variables.TryGetValue(match.Groups[1].Value, out var value)
            ? (escape ? Uri.EscapeDataString(value) : value)
            : match.Value);

    private static string Limit(string text) => text.Length <= OutputLimit ? text.Trim() : text[..OutputLimit].Trim() + " …";

    [GeneratedRegex(@"\{([A-Za-z][A-Za-z0-9_]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
