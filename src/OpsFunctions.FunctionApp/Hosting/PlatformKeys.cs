using Microsoft.AspNetCore.Http;
using OpsFunctions.Operations.Http;

namespace OpsFunctions.FunctionApp.Hosting;

/// <summary>
/// On Azure Functions the platform checks function keys before a function with authorization level Function runs; the
/// worker never sees the keys. A route that is anonymous at the platform therefore cannot fall back to a key.
/// </summary>
public static class PlatformKeys
{
    /// <summary>For anonymous routes that take a token instead: a request without one is refused, naming the setting.</summary>
    public static IKeyCheck BearerOnly { get; } = new RefuseKeys();

    private sealed class RefuseKeys : IKeyCheck
    {
        public IResult? CheckFunctionKey(HttpContext context)
            => Problems.Unauthorized("On Azure Functions this route takes Alertmanager's bearer token: set Alertmanager:BearerToken and send it as 'Authorization: Bearer <token>'.");
    }
}
