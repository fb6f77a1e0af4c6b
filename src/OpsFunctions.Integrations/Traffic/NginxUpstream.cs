using System.Globalization;
using System.Text;

namespace OpsFunctions.Integrations.Traffic;

/// <summary>The upstream block the nginx provider writes: one <c>server</c> line per backend.</summary>
/// <remarks>
/// Weights are percentages written as nginx weights (1 to 100), which nginx's smooth weighted round-robin honours
/// exactly over each cycle. nginx has no weight 0: a backend of weight 0, or drained, is written <c>down</c>, so
/// that it gets no request at all.
/// </remarks>
internal static class NginxUpstream
{
    public const string Header = "# written by OpsFunctions; changes are overwritten";

    public static string Render(string upstream, IReadOnlyList<TrafficBackend> backends)
    {
        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"upstream {upstream} {{\n");
        foreach (var backend in backends)
        {
            text.Append(CultureInfo.InvariantCulture, $"    server {backend.Address}");
            if (backend.Weight > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $" weight={backend.Weight}");
            }

            if (backend.Weight == 0 || backend.Drained)
            {
                text.Append(" down");
            }

            text.Append(";\n");
        }

        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>The backends on one line for a timeline: <c>a 95 %, b 5 %, c drained</c>.</summary>
    public static string Describe(IReadOnlyList<TrafficBackend> backends) => string.Join(", ", backends.Select(b =>
        b.Drained ? $"{b.Address} drained" : b.Weight == 0 ? $"{b.Address} down" : $"{b.Address} {b.Weight} %"));
}
