using System.Diagnostics;
using MimeKit;
using OpsFunctions.Testing.Azure;

namespace OpsFunctions.Integrations.Tests.Support;

/// <summary>
/// A real SMTP server for tests, started once per test process through <c>scripts/smtp-sink.sh start</c>, which
/// installs it when missing and does nothing when it already runs. It writes each message it accepts to a .eml
/// file before it answers, so a message is on disk once the send returns. A test that needs it fails when it
/// cannot start; it never skips.
/// </summary>
public static class SmtpSink
{
    public const string Host = "127.0.0.1";

    private static readonly Lock Gate = new();
    private static Task? _started;

    /// <summary>Gets the sink's port: SMTP_SINK_PORT, as the script reads it, or 2525.</summary>
    public static int Port => int.TryParse(Environment.GetEnvironmentVariable("SMTP_SINK_PORT"), out var port) ? port : 2525;

    /// <summary>Gets the folder the script writes messages to.</summary>
    public static string MessageFolder =>
        Path.Combine(Environment.GetEnvironmentVariable("TMPDIR") is { Length: > 0 } temp ? temp : "/tmp", $"opsfunctions-smtp-sink-{Port}", "messages");

    public static async Task EnsureStartedAsync()
    {
        Task started;
        lock (Gate)
        {
            started = _started ??= StartAsync();
        }

        await started;
    }

    /// <summary>The messages received for <paramref name="recipient"/> (a unique address per test), oldest first.</summary>
    public static IReadOnlyList<MimeMessage> MessagesTo(string recipient)
    {
        var found = new List<MimeMessage>();
        foreach (var file in Directory.EnumerateFiles(MessageFolder, "*.eml").Order(StringComparer.Ordinal))
        {
            var message = MimeMessage.Load(file);
            if (message.To.Mailboxes.Any(m => string.Equals(m.Address, recipient, StringComparison.OrdinalIgnoreCase)))
            {
                found.Add(message);
            }
            else
            {
                message.Dispose();
            }
        }

        return found;
    }

    private static async Task StartAsync()
    {
        var start = new ProcessStartInfo("bash", ["scripts/smtp-sink.sh", "start"])
        {
            WorkingDirectory = Azurite.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/smtp-sink.sh start failed with exit code {process.ExitCode}: {await output}{await error}");
        }
    }
}
