using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace OpsFunctions.Operations.Approvals;

/// <summary>
/// The small pages a person sees after clicking an approval link; callers asking for JSON (the CLI) get
/// problem details or a JSON answer instead.
/// </summary>
public static class ApprovalPages
{
    public static IResult Answer(HttpRequest request, int statusCode, string title, string detail)
    {
        if (WantsJson(request))
        {
            return statusCode < 400
                ? TypedResults.Json(new { title, detail }, statusCode: statusCode)
                : TypedResults.Problem(detail: detail, statusCode: statusCode, title: title);
        }

        return TypedResults.Content(Page(title, $"<p>{Encode(detail)}</p>"), "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    /// <summary>The confirmation page: it shows what the link does and needs a deliberate POST to do it.</summary>
    public static IResult Confirm(ApprovalClaims claims, string action)
    {
        var body = new StringBuilder()
            .Append("<p>This link records a decision on a running workflow. Nothing has happened yet.</p><dl>")
            .Append("<dt>Instance</dt><dd>").Append(Encode(claims.InstanceId)).Append("</dd>")
            .Append("<dt>Event</dt><dd>").Append(Encode(claims.EventName)).Append("</dd>")
            .Append("<dt>Decision</dt><dd>").Append(Encode(claims.Decision)).Append("</dd>");
        if (claims.Approver is { } approver)
        {
            body.Append("<dt>Approver</dt><dd>").Append(Encode(approver)).Append("</dd>");
        }

        body.Append("<dt>Valid until</dt><dd>").Append(Encode(claims.ExpiresAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture))).Append("</dd></dl>")
            .Append("<form method=\"post\" action=\"").Append(Encode(action)).Append("\"><button type=\"submit\">Confirm: ")
            .Append(Encode(claims.Decision)).Append("</button></form>");
        return TypedResults.Content(Page($"Confirm: {claims.Decision}", body.ToString()), "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status200OK);
    }

    private static bool WantsJson(HttpRequest request)
        => request.Headers.Accept.ToString().Contains("json", StringComparison.OrdinalIgnoreCase);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Page(string title, string body)
        => $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\"><title>{Encode(title)}</title></head>"
            + $"<body><h1>{Encode(title)}</h1>{body}</body></html>";
}
