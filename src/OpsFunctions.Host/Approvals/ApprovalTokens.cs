using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using OpsFunctions.Host.Security;

namespace OpsFunctions.Host.Approvals;

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

    /// <summary>Not a token this host could have issued: wrong shape.</summary>
    Unknown,

    /// <summary>The right shape, but the signature does not match its claims.</summary>
    Tampered,

    Expired,
}

/// <summary>
/// Issues and reads approval tokens: the claims as base64url JSON, a dot, and their HMAC-SHA256 under
/// <c>Approvals:SigningKey</c>. Single use is enforced where the token is redeemed, not here.
/// </summary>
public sealed class ApprovalTokens(HostKeys keys, TimeProvider timeProvider)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(24);

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
        ApprovalClaims? claims;
        try
        {
            payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
            claims = JsonSerializer.Deserialize<ApprovalClaims>(payload);
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            return (ApprovalTokenState.Unknown, null);
        }

        if (claims is null || string.IsNullOrEmpty(claims.InstanceId) || string.IsNullOrEmpty(claims.Nonce))
        {
            return (ApprovalTokenState.Unknown, null);
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, Sign(payload)))
        {
            return (ApprovalTokenState.Tampered, null);
        }

        return claims.ExpiresAt <= timeProvider.GetUtcNow() ? (ApprovalTokenState.Expired, claims) : (ApprovalTokenState.Valid, claims);
    }

    private byte[] Sign(byte[] payload) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(keys.SigningKey), payload);
}
