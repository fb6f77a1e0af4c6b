using System.Globalization;
using System.Text.RegularExpressions;

namespace OpsFunctions.Operations.Deployments;

/// <summary>Durations as people write them in steps and templates: <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>250ms</c>, or <c>00:05:00</c>.</summary>
public static partial class DurationText
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
        }

        var match = Units().Match(text);
        if (!match.Success)
        {
            return false;
        }

        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unit = part.Value.TrimStart("0123456789.".ToCharArray());
            if (!double.TryParse(part.Value[..^unit.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            duration += unit switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
        }

        return true;
    }

    /// <summary>Writes the shortest form: <c>5m</c>, <c>1h30m</c>, <c>45s</c>, <c>250ms</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0}ms");
        }

        var text = string.Empty;
        if (duration.Days > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"{duration.Days}d");
        }

        if (duration.Hours > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"{duration.Hours}h");
        }

        if (duration.Minutes > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"{duration.Minutes}m");
        }

        if (duration.Seconds > 0 || duration.Milliseconds > 0)
        {
            text += duration.Milliseconds > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{duration.Seconds + (duration.Milliseconds / 1000.0):0.###}s")
                : string.Create(CultureInfo.InvariantCulture, $"{duration.Seconds}s");
        }

        return text;
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(ms|s|m|h|d))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Units();
}
