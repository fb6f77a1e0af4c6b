using System.Globalization;

namespace OpsFunctions.Operations.Deployments.Analysis;

/// <summary>The counts of a template's measurements, which decide its phase; kept whole when old measurements are trimmed.</summary>
public sealed record AnalysisTally
{
    public int Taken { get; init; }

    public int Successful { get; init; }

    public int Failed { get; init; }

    public int Inconclusive { get; init; }

    public int Errors { get; init; }

    /// <summary>Gets the Error measurements since the last measurement that was not one.</summary>
    public int ConsecutiveErrors { get; init; }

    /// <summary>Counts one more measurement.</summary>
    public AnalysisTally Add(MeasurementPhase phase) => this with
    {
        Taken = Taken + 1,
        Successful = Successful + (phase == MeasurementPhase.Successful ? 1 : 0),
        Failed = Failed + (phase == MeasurementPhase.Failed ? 1 : 0),
        Inconclusive = Inconclusive + (phase == MeasurementPhase.Inconclusive ? 1 : 0),
        Errors = Errors + (phase == MeasurementPhase.Error ? 1 : 0),
        ConsecutiveErrors = phase == MeasurementPhase.Error ? ConsecutiveErrors + 1 : 0,
    };

    /// <summary>Counts <paramref name="measurements"/>, oldest first.</summary>
    public static AnalysisTally Of(IEnumerable<Measurement> measurements)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        return measurements.Aggregate(new AnalysisTally(), (tally, m) => tally.Add(m.Phase));
    }

    public override string ToString()
    {
        var parts = new List<string>();
        Part(Successful, "successful");
        Part(Failed, "failed");
        Part(Inconclusive, "inconclusive");
        Part(Errors, Errors == 1 ? "error" : "errors");
        return parts.Count == 0 ? "no measurement" : string.Join(", ", parts);

        void Part(int count, string what)
        {
            if (count > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{count} {what}"));
            }
        }
    }
}

/// <summary>The phase of a template's run: Argo Rollouts' rules over its measurements and limits.</summary>
/// <remarks>
/// In order: Failed when failed measurements exceed <see cref="AnalysisTemplate.FailureLimit"/>, or consecutive Error
/// measurements exceed <see cref="AnalysisTemplate.ConsecutiveErrorLimit"/> (Argo ends such a run in its Error phase,
/// which fails a rollout as Failed does; we call it Failed); Inconclusive when inconclusive measurements exceed
/// <see cref="AnalysisTemplate.InconclusiveLimit"/>; Successful once <see cref="AnalysisTemplate.Count"/> measurements
/// were taken (Error measurements count, as in Argo) without crossing a limit; otherwise Running. A template without a
/// count stays Running until a limit is crossed or it is stopped.
/// </remarks>
public static class AnalysisRun
{
    /// <summary>The phase of <paramref name="measurements"/>, every one of the run's, oldest first.</summary>
    public static (AnalysisPhase Phase, string Message) Phase(AnalysisTemplate template, IEnumerable<Measurement> measurements)
        => Phase(template, AnalysisTally.Of(measurements));

    /// <summary>The phase of a run counted in <paramref name="tally"/>.</summary>
    public static (AnalysisPhase Phase, string Message) Phase(AnalysisTemplate template, AnalysisTally tally)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(tally);
        var counts = Counts(template, tally);
        if (tally.Failed > template.FailureLimit)
        {
            return (AnalysisPhase.Failed, string.Create(CultureInfo.InvariantCulture, $"{tally.Failed} failed > failureLimit {template.FailureLimit}; {counts}"));
        }

        if (tally.ConsecutiveErrors > template.ConsecutiveErrorLimit)
        {
            return (AnalysisPhase.Failed, string.Create(
                CultureInfo.InvariantCulture,
                $"{tally.ConsecutiveErrors} errors in a row > consecutiveErrorLimit {template.ConsecutiveErrorLimit}; {counts}"));
        }

        if (tally.Inconclusive > template.InconclusiveLimit)
        {
            return (AnalysisPhase.Inconclusive, string.Create(
                CultureInfo.InvariantCulture,
                $"{tally.Inconclusive} inconclusive > inconclusiveLimit {template.InconclusiveLimit}: a person decides; {counts}"));
        }

        return template.Count is { } count && tally.Taken >= count ? (AnalysisPhase.Successful, counts) : (AnalysisPhase.Running, counts);
    }

    private static string Counts(AnalysisTemplate template, AnalysisTally tally) => template.Count is { } count
        ? string.Create(CultureInfo.InvariantCulture, $"{tally.Taken} of {count} measurements: {tally}")
        : string.Create(CultureInfo.InvariantCulture, $"{tally.Taken} measurements: {tally}");
}
