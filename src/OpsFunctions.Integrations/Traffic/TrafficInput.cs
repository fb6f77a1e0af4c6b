using System.Buffers;

namespace OpsFunctions.Integrations.Traffic;

/// <summary>
/// The checks every change passes before a provider sees it; each failure is a sentence for the deployment's timeline.
/// </summary>
internal static class TrafficInput
{
    // An nginx upstream name and server address end up in a configuration file: anything that could end a
    // directive or start a block or a comment would let a caller write configuration of its own.
    private static readonly SearchValues<char> NginxUnsafe = SearchValues.Create(";{}#\"'\\$");

    /// <summary>Returns why <paramref name="target"/> and <paramref name="backends"/> cannot be applied, or null when they can.</summary>
    public static string? Validate(TrafficTarget? target, IReadOnlyList<TrafficBackend>? backends)
    {
        if (target is null)
        {
            return "no traffic target was given";
        }

        if (string.IsNullOrWhiteSpace(target.Upstream))
        {
            return "the target has no upstream (service) name";
        }

        var nginx = target.Provider == TrafficProviderKind.Nginx;
        var targetError = target.Provider switch
        {
            TrafficProviderKind.Nginx => NginxTarget(target),
            TrafficProviderKind.Http => OptionsValidation.IsHttpUrl(target.WebhookUrl, out _)
                ? null
                : $"the HTTP provider needs WebhookUrl to be an absolute http or https URL{(string.IsNullOrWhiteSpace(target.WebhookUrl) ? ", and none was given" : "")}",
            _ => $"unknown traffic provider {(int)target.Provider}",
        };
        if (targetError is not null)
        {
            return targetError;
        }

        if (backends is null || backends.Count == 0)
        {
            return $"at least one backend is required for {target.Upstream}";
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < backends.Count; i++)
        {
            var backend = backends[i];
            if (backend is null || string.IsNullOrWhiteSpace(backend.Address))
            {
                return $"backend {i + 1} of {target.Upstream} has no address";
            }

            if (backend.Address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || (nginx && backend.Address.AsSpan().ContainsAny(NginxUnsafe)))
            {
                return $"backend {i + 1} of {target.Upstream} has an address with characters a server address cannot hold: '{Shown(backend.Address)}'";
            }

            if (backend.Weight is < 0 or > 100)
            {
                return $"backend {backend.Address} of {target.Upstream} has weight {backend.Weight}; a weight is a percentage from 0 to 100";
            }

            if (!seen.Add(backend.Address))
            {
                return $"backend {backend.Address} is listed twice for {target.Upstream}";
            }
        }

        if (backends.All(b => b.Weight == 0 || b.Drained))
        {
            return $"every backend of {target.Upstream} has weight 0 or is drained: the service would get no traffic at all, so the change is refused";
        }

        return null;
    }

    private static string? NginxTarget(TrafficTarget target)
    {
        if (target.Upstream.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')))
        {
            return $"'{Shown(target.Upstream)}' is not an nginx upstream name: use letters, digits, '_', '-' and '.'";
        }

        if (string.IsNullOrWhiteSpace(target.ConfigFile))
        {
            return $"the nginx provider needs ConfigFile, the file holding upstream {target.Upstream}, and none was given";
        }

        if (!Path.IsPathFullyQualified(target.ConfigFile))
        {
            return $"ConfigFile '{target.ConfigFile}' must be an absolute path";
        }

        var directory = Path.GetDirectoryName(target.ConfigFile);
        if (directory is null || !Directory.Exists(directory))
        {
            return $"the folder of ConfigFile '{target.ConfigFile}' does not exist";
        }

        return null;
    }

    private static string Shown(string value) => value.Length <= 80 ? value.ReplaceLineEndings(" ") : string.Concat(value.AsSpan(0, 80).ToString().ReplaceLineEndings(" "), "…");
}
