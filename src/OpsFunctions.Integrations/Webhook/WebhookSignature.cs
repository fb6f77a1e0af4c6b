using System.Security.Cryptography;
using System.Text;

namespace OpsFunctions.Integrations.Webhook;

/// <summary>
/// The signature of a webhook delivery: <c>X-OpsFunctions-Signature-256: sha256=&lt;hex&gt;</c>, the lower-case hex
/// HMAC-SHA256 of the raw request body under the shared secret. Receivers recompute it over the bytes they read.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-OpsFunctions-Signature-256";
    public const string EventHeader = "X-OpsFunctions-Event";
    public const string DeliveryHeader = "X-OpsFunctions-Delivery";
    public const string Prefix = "sha256=";

    public static string Compute(string secret, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Checks a signature header value in constant time.</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? signature)
    {
        if (signature is null)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, body));
        var actual = Encoding.ASCII.GetBytes(signature.Trim());
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
