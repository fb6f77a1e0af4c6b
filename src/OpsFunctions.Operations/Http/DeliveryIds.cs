using Microsoft.AspNetCore.Http.HttpResults;

namespace OpsFunctions.Operations.Http;

/// <summary>The ids a sender gives a delivery (<c>Idempotency-Key</c>, <c>X-GitHub-Delivery</c>), so a redelivery does nothing new.</summary>
public static class DeliveryIds
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const int MaxLength = 200;

    /// <summary>Checks a caller's delivery id: printable, bounded, so it is safe to hash and to echo.</summary>
    public static ProblemHttpResult? Validate(string? value, string header)
        => value is not null && (value.Length is 0 or > MaxLength || value.Any(c => c < 0x21 || c > 0x7e))
            ? Problems.Invalid(header, $"The header '{header}' must hold 1 to {MaxLength} printable ASCII characters without spaces.")
            : null;
}
