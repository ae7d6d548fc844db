using Collections.Domain.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host;

/// <summary>RFC 9457 problem responses with a detail a person can act on.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    /// <summary>400 listing each invalid field with its messages (a problem like every other refusal, so handlers return one problem type).</summary>
    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors, string detail = "The request has invalid fields; see errors.") =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors) { Status = StatusCodes.Status400BadRequest, Title = "Validation failed", Detail = detail });

    /// <summary>400 for one invalid field.</summary>
    public static ProblemHttpResult Invalid(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult Rejected(RejectionKind kind, string detail) => kind switch
    {
        RejectionKind.Conflict => TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict"),
        RejectionKind.Unprocessable => TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Outside the strategy's limits"),
        RejectionKind.NotFound => NotFound(detail),
        RejectionKind.Forbidden => TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden"),
        _ => BadRequest(detail),
    };

    /// <summary>Writes a problem outside an endpoint (authentication challenges, the exception handler).</summary>
    public static Task Write(HttpContext context, int status, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        context.Response.StatusCode = status;
        var writer = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        return writer.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }
}
