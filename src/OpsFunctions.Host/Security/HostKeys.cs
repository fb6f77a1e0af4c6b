using System.Security.Cryptography;
using System.Text;

namespace OpsFunctions.Host.Security;

/// <summary>
/// The host's secrets: the function key (webhooks under <c>/api/</c>), the admin key (management API) and the
/// approval signing key. Configured values win; the rest are generated on first start and stored with the task hub.
/// </summary>
public sealed class HostKeys
{
    public const string FunctionKeyName = "Keys:Function";
    public const string AdminKeyName = "Keys:Admin";
    public const string SigningKeyName = "Approvals:SigningKey";

    public HostKeys(string functionKey, string adminKey, string signingKey, string? storedIn)
    {
        FunctionKey = functionKey;
        AdminKey = adminKey;
        SigningKey = signingKey;
        StoredIn = storedIn;
    }

    public string FunctionKey { get; }

    public string AdminKey { get; }

    public string SigningKey { get; }

    /// <summary>Gets where generated keys are kept (<see cref="KeyStorage.Location"/>), or <see langword="null"/> when every key is configured.</summary>
    public string? StoredIn { get; }

    /// <summary>Compares a presented key with an expected one in constant time.</summary>
    public static bool Matches(string? presented, string expected)
        => presented is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));

    public static HostKeys Load(IConfiguration configuration, KeyStorage storage)
    {
        var function = configuration[FunctionKeyName];
        var admin = configuration[AdminKeyName];
        var signing = configuration[SigningKeyName];
        if (!string.IsNullOrEmpty(function) && !string.IsNullOrEmpty(admin) && !string.IsNullOrEmpty(signing))
        {
            return new HostKeys(function, admin, signing, null);
        }

        var stored = storage.ReadOrCreate(() => new StoredKeys(NewKey(), NewKey(), NewKey()));
        return new HostKeys(
            string.IsNullOrEmpty(function) ? stored.Function : function,
            string.IsNullOrEmpty(admin) ? stored.Admin : admin,
            string.IsNullOrEmpty(signing) ? stored.SigningKey : signing,
            storage.Location);
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
