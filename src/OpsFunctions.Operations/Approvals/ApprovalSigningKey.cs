namespace OpsFunctions.Operations.Approvals;

/// <summary>
/// The key approval links are signed with (<c>Approvals:SigningKey</c>). The host supplies it: the ASP.NET Core host
/// generates and keeps one when it is not configured; the Function App reads the setting.
/// </summary>
public sealed class ApprovalSigningKey
{
    public ApprovalSigningKey(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        Value = value;
    }

    public string Value { get; }

    /// <summary>Never the key itself: this object may end up in a log.</summary>
    public override string ToString() => "(approval signing key)";
}
