using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace OpsFunctions.Operations.Approvals;

/// <summary>What an approval token is bound to.</summary>
public sealed record ApprovalClaims(
    [property: JsonPropertyName("i")] string InstanceId,
    [property: JsonPropertyName("e")] string EventName,
    [property: JsonPropertyName("d")] string Decision,
    [property: JsonPropertyName("a")] string? Approver,
    [property: JsonPropertyName("x")] long ExpiresAtUnixSeconds,
    [property: JsonPropertyName("n")] string Nonce)
{
    [JsonIgnore]
    public DateTimeOffset ExpiresAt => DateTimeOffset.FromUnixTimeSeconds(ExpiresAtUnixSeconds);
}

public enum ApprovalTokenState
{
    Valid,

    /// <summary>Not in the shape of a token: two base64url parts, the second a 32-byte signature.</summary>
    Unknown,

    /// <summary>The shape of a token, but the signature does not match the claims under this host's key.</summary>
    Tampered,

    Expired,
}

/// <summary>
/// Issues and reads approval tokens: the claims as base64url JSON, a dot, and their HMAC-SHA256 under
/// <c>Approvals:SigningKey</c>. Single use is enforced where the token is redeemed, not here.
/// </summary>
public sealed class ApprovalTokens(ApprovalSigningKey key, TimeProvider timeProvider, IOptions<ApprovalOptions> options)
{
    /// <summary>Gets how long a link lives when its issuer does not say: <c>Approvals:DefaultLifetime</c>.</summary>
    public TimeSpan DefaultLifetime => options.Value.DefaultLifetime;

    /// <summary>The link people click: under <c>Approvals:PublicUrl</c> when set (the address they reach the host at), else <paramref name="fallback"/>.</summary>
    public Uri LinkFor(string token, Uri fallback)
    {
        var root = options.Value.PublicUrl is { Length: > 0 } publicUrl ? new Uri(publicUrl) : fallback;
        return new Uri(root, $"{root.AbsolutePath.TrimEnd('/')}/api/approvals/{token}");
    }

    public string Issue(string instanceId, string eventName, string decision, string? approver, TimeSpan lifetime)
    {
        var claims = new ApprovalClaims(
            instanceId,
            eventName,
            decision,
            approver,
            (timeProvider.GetUtcNow() + lifetime).ToUnixTimeSeconds(),
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        var payload = JsonSerializer.SerializeToUtf8Bytes(claims);
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(Sign(payload))}";
    }

    public (ApprovalTokenState State, ApprovalClaims? Claims) Read(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == token.Length - 1 || token.Length > 4096)
        {
            return (ApprovalTokenState.Unknown, null);
        }

        byte[] payload;
        byte[] signature;
        try
        {
            payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return (ApprovalTokenState.Unknown, null);
        }

        if (signature.Length != HMACSHA256.HashSizeInBytes)
        {
            return (ApprovalTokenState.Unknown, null);
        }

        // The signature is checked before the claims are read: altered claims need not even parse to be refused as altered.
        if (!CryptographicOperations.FixedTimeEquals(signature, Sign(payload)))
        {
            return (ApprovalTokenState.Tampered, null);
        }

        ApprovalClaims? claims;
        try
        {
            claims = JsonSerializer.Deserialize<ApprovalClaims>(payload);
        }
        catch (JsonException)
        {
            return (ApprovalTokenState.Unknown, null);
        }

        if (claims is null || string.IsNullOrEmpty(claims.InstanceId) || string.IsNullOrEmpty(claims.Nonce))
        {
            return (ApprovalTokenState.Unknown, null);
        }

        return claims.ExpiresAt <= timeProvider.GetUtcNow() ? (ApprovalTokenState.Expired, claims) : (ApprovalTokenState.Valid, claims);
    }

    private byte[] Sign(byte[] payload) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(key.Value), payload);
}

/// <summary>Approval links; section <c>Approvals</c>.</summary>
public sealed class ApprovalOptions
{
    public const string Section = "Approvals";

    /// <summary>Gets or sets the address people reach the host at, for links sent in chat or mail (behind a proxy it differs from the request's).</summary>
    [Url]
    public string? PublicUrl { get; set; }

    /// <summary>
    /// Gets or sets how long a link lives when its issuer does not say, incident acknowledge and resolve links included:
    /// long enough to outlast a night's escalation ladder, short enough that an old message cannot act.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00", ErrorMessage = "Approvals:DefaultLifetime must be between 00:01:00 and 30.00:00:00.")]
    public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromHours(24);
}
