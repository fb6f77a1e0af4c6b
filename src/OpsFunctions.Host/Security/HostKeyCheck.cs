using OpsFunctions.Operations.Http;

namespace OpsFunctions.Host.Security;

/// <summary>The features' routes check function keys against this host's keys.</summary>
public sealed class HostKeyCheck : IKeyCheck
{
    public IResult? CheckFunctionKey(HttpContext context) => KeyAuthorization.Check(context, KeyScope.Function);
}
