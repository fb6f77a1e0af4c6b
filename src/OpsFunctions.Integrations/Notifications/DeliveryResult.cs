using System.Globalization;

namespace OpsFunctions.Integrations.Notifications;

/// <summary>What became of one notification on one channel; never holds a secret, so it can go on a timeline.</summary>
public sealed record DeliveryResult
{
    public required ChannelKind Channel { get; init; }

    /// <summary>Gets the target's redacted address (<see cref="ChannelTarget.Redacted"/>).</summary>
    public required string Target { get; init; }

    public required bool Success { get; init; }

    /// <summary>Gets the last HTTP status (or SMTP reply code) received, if any.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Gets why the delivery failed, in a line fit for a timeline; null on success.</summary>
    public string? Error { get; init; }

    /// <summary>Gets how many times the message was sent on the wire (0 when it never left, as with an open circuit).</summary>
    public int Attempts { get; init; }

    public TimeSpan Duration { get; init; }

    /// <summary>
    /// Gets whether the failure may pass by itself (5xx, 408, 429, timeout, network error, open circuit), so sending
    /// again later can succeed; false for a success and for a permanent failure (4xx, bad address, missing settings).
    /// </summary>
    public bool Transient { get; init; }

    /// <summary>Gets a note on a success that sent nothing, such as a report PagerDuty has no event for.</summary>
    public string? Note { get; init; }

    /// <summary>One line for a timeline: "Slack #ops: delivered (200), 1 attempt, 84 ms".</summary>
    public string Describe()
    {
        var attempts = Attempts == 1 ? "1 attempt" : $"{Attempts.ToString(CultureInfo.InvariantCulture)} attempts";
        var took = $"{Duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";
        var status = StatusCode is { } code ? $" ({code.ToString(CultureInfo.InvariantCulture)})" : "";
        return Success
            ? Note is null ? $"{Channel} {Target}: delivered{status}, {attempts}, {took}" : $"{Channel} {Target}: {Note}"
            : $"{Channel} {Target}: failed after {attempts}, {took}: {Error}";
    }
}
