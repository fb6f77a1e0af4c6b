using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace OpsFunctions.Operations.Http;

/// <summary>RFC 7807 problem details for every error a route answers, each naming what is wrong.</summary>
public static class Problems
{
    public static ProblemHttpResult Status(int statusCode, string title, string detail)
        => TypedResults.Problem(detail: detail, statusCode: statusCode, title: title);

    public static ProblemHttpResult Unauthorized(string detail) => Status(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    public static ProblemHttpResult NotFound(string detail) => Status(StatusCodes.Status404NotFound, "Not found", detail);

    public static ProblemHttpResult Conflict(string detail) => Status(StatusCodes.Status409Conflict, "Conflict", detail);

    public static ProblemHttpResult Gone(string detail) => Status(StatusCodes.Status410Gone, "Gone", detail);

    public static ProblemHttpResult TooLarge(string detail) => Status(StatusCodes.Status413PayloadTooLarge, "Payload too large", detail);

    public static ProblemHttpResult UnsupportedMediaType(string detail) => Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail);

    /// <summary>A 400 whose <c>errors</c> name each bad field, as ASP.NET Core's validation problems do.</summary>
    public static ProblemHttpResult Invalid(string field, string message)
        => Invalid(new Dictionary<string, string> { [field] = message });

    public static ProblemHttpResult Invalid(IReadOnlyDictionary<string, string> errors)
        => TypedResults.Problem(
            detail: string.Join(" ", errors.Values),
            statusCode: StatusCodes.Status400BadRequest,
            title: "The request is not valid.",
            extensions: new Dictionary<string, object?> { ["errors"] = errors.ToDictionary(e => e.Key, e => new[] { e.Value }) });

    /// <summary>Says what a 500 means for the caller, without the exception (the host's log has it).</summary>
    public static void DescribeUnexpected(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Status >= StatusCodes.Status500InternalServerError && string.IsNullOrEmpty(context.ProblemDetails.Detail))
        {
            context.ProblemDetails.Detail = "The host failed to handle the request; its log has the error.";
        }
    }
}
