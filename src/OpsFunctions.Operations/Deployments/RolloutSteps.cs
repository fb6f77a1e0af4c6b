using System.Globalization;
using OpsFunctions.Operations.Deployments.Analysis;

namespace OpsFunctions.Operations.Deployments;

/// <summary>Resolves step specifications and template names, for requests and for configuration alike.</summary>
public sealed class RolloutSteps(AnalysisTemplateCatalog templates)
{
    /// <summary>The most steps a rollout may have.</summary>
    public const int MaxSteps = 100;

    /// <summary>Resolves step specifications, adding an error per bad step (<c>steps[2].pause.duration</c>: why).</summary>
    public IReadOnlyList<RolloutStep> ResolveSteps(IReadOnlyList<RolloutStepSpec> specs, string field, Dictionary<string, string> errors)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(errors);
        if (specs.Count == 0 || specs.Count > MaxSteps)
        {
            errors[field] = string.Create(CultureInfo.InvariantCulture, $"The field '{field}' must hold 1 to {MaxSteps} steps.");
            return [];
        }

        var steps = new List<RolloutStep>(specs.Count);
        for (var i = 0; i < specs.Count; i++)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]");
            var spec = specs[i];
            if (spec is null || (spec.SetWeight is null ? 0 : 1) + (spec.Pause is null ? 0 : 1) + (spec.Analysis is null ? 0 : 1) != 1)
            {
                errors[at] = $"The step '{at}' must have exactly one of 'setWeight', 'pause' or 'analysis'.";
                continue;
            }

            if (spec.SetWeight is { } weight)
            {
                if (weight is < 0 or > 100)
                {
                    errors[$"{at}.setWeight"] = string.Create(CultureInfo.InvariantCulture, $"The weight must be 0 to 100, not {weight}.");
                    continue;
                }

                steps.Add(new RolloutStep { SetWeight = weight });
            }
            else if (spec.Pause is { } pause)
            {
                if (string.IsNullOrWhiteSpace(pause.Duration))
                {
                    steps.Add(new RolloutStep { Pause = new PauseStep(null) });
                }
                else if (pause.UntilPromoted == true)
                {
                    errors[$"{at}.pause"] = "A pause has either a 'duration' or 'untilPromoted', not both.";
                }
                else if (!DurationText.TryParse(pause.Duration, out var duration) || duration <= TimeSpan.Zero || duration > TimeSpan.FromDays(7))
                {
                    errors[$"{at}.pause.duration"] = $"The duration '{pause.Duration}' must be positive and at most 7 days, written like 30s, 5m, 1h30m or 00:05:00.";
                }
                else
                {
                    steps.Add(new RolloutStep { Pause = new PauseStep(duration) });
                }
            }
            else
            {
                var resolved = ResolveTemplates(spec.Analysis!.Templates ?? [], $"{at}.analysis.templates", errors);
                if (resolved.Count == 0 && !errors.ContainsKey($"{at}.analysis.templates"))
                {
                    errors[$"{at}.analysis.templates"] = "An analysis step names at least one template.";
                }

                steps.Add(new RolloutStep { Analysis = resolved });
            }
        }

        return steps;
    }

    /// <summary>Resolves template names, adding an error under <paramref name="field"/> for a name neither built in nor configured.</summary>
    public List<AnalysisTemplate> ResolveTemplates(IReadOnlyList<string> names, string field, Dictionary<string, string> errors)
    {
        var resolved = new List<AnalysisTemplate>(names.Count);
        foreach (var name in names)
        {
            if (templates.Find(name) is { } template)
            {
                resolved.Add(template);
            }
            else
            {
                errors[field] = $"The analysis template '{name}' is neither built in nor configured (Deployments:AnalysisTemplates:{name}).";
            }
        }

        return resolved;
    }
}
