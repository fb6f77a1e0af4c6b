using Microsoft.AspNetCore.Http;

namespace OpsFunctions.Operations.Http;

/// <summary>
/// Checks that a request carries a function key. Keys belong to the host: the ASP.NET Core host checks its own; on Azure
/// Functions the platform checks them before a function with function-level authorization runs.
/// </summary>
public interface IKeyCheck
{
    /// <summary>Returns the problem to answer (401), or <see langword="null"/> when the request carries a valid function key.</summary>
    IResult? CheckFunctionKey(HttpContext context);
}
