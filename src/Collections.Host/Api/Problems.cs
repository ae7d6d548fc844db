using Collections.Domain.Accounts;

namespace Collections.Host;

/// <summary>RFC 9457 problem responses with a detail a person can act on.</summary>
public static class Problems
{
    public static IResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    public static IResult Validation(IDictionary<string, string[]> errors, string detail = "The request has invalid fields; see errors.") =>
        TypedResults.ValidationProblem(errors, detail, title: "Validation failed");

    public static IResult Rejected(RejectionKind kind, string detail) => kind switch
    {
        RejectionKind.Conflict => TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict"),
        RejectionKind.Unprocessable => TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Outside the strategy's limits"),
        RejectionKind.NotFound => NotFound(detail),
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
