using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace OpsFunctions.FunctionApp.Tests;

/// <summary>Calls an HTTP function as the Functions host does, and reads its answer.</summary>
internal static class HttpFunctionCalls
{
    public static HttpRequest Request(IServiceProvider services, string method, string? body, IEnumerable<(string Name, string Value)> headers)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = method;
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
        }

        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return context.Request;
    }

    /// <summary>The status and the value an answer carries, through the typed results' unions.</summary>
    public static (int Status, object? Value) Outcome(IResult result)
    {
        while (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }

        var status = Assert.IsAssignableFrom<IStatusCodeHttpResult>(result).StatusCode ?? StatusCodes.Status200OK;
        return (status, (result as IValueHttpResult)?.Value);
    }

    /// <summary>The fields a 400's problem details name under <c>errors</c>.</summary>
    public static IEnumerable<string> ErrorFields(object? problem)
        => Assert.IsType<Dictionary<string, string[]>>(Assert.IsType<ProblemDetails>(problem).Extensions["errors"]).Keys;
}
