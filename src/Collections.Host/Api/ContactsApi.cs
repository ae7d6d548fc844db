using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Contacts;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

public sealed record ContactRequest(string? Channel, string? Outcome, DateTimeOffset? At);

/// <summary>A contact of the lender's team as recorded.</summary>
public sealed record ContactResponse(ContactChannel Channel, ContactOutcome Outcome, DateTimeOffset At, string Rule);

/// <summary>The contact policy's verdict for a dialer: the rule that decided and, when refused, the first moment it would allow.</summary>
public sealed record ContactPermissionResponse(bool Allowed, string Rule, string Detail, DateTimeOffset? NextAllowedAt);

public sealed record ContactResultRequest(string? Status, string? Outcome, DateTimeOffset? At, string? Detail);

public sealed record ContactResultResponse(long ContactId, ContactResultStatus Status, bool Recorded);

/// <summary>
/// Contacts on one account: the policy's verdict before dialling, the lender's team's contacts (checked by
/// the same policy as the engine's and the agencies'), and the results channel gateways report for the
/// contacts the engine sent (each audited as <c>ContactResultReceived</c>).
/// </summary>
public static class ContactsApi
{
    private static readonly string Channels = Parse.Names<ContactChannel>();
    private static readonly string Outcomes = Parse.Names<ContactOutcome>();
    private static readonly string Statuses = Parse.Names<ContactResultStatus>();

    public static RouteGroupBuilder MapContactsApi(this RouteGroupBuilder account)
    {
        var contacts = account.MapGroup("").WithTags("Contacts");
        contacts.MapGet("/contact-permission", PermissionAsync)
            .WithName("GetContactPermission")
            .RequireAuthorization(Policies.ContactCheck)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("May the debtor be contacted on a channel now? A dialer asks before it dials")
            .WithDescription("rule is 'allowed' or the rule that forbids it (timeWindow, callAttemptsPer7Days, waitAfterConversation, effectiveCallsPerDay, holiday, disputeOpen, hold, ceaseCommunication, accountClosed); nextAllowedAt is the first moment it would be allowed, null while a stop lasts.");
        contacts.MapPost("/contacts", RecordAsync)
            .WithName("RecordContact")
            .RequireAuthorization(Policies.Contactor)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Record a contact made by the lender's own team")
            .WithDescription("Checked by the contact policy at its instant (at, default now, at most 8 days ago). 409 when it would break a rule: the problem names it (rule) and when it would be allowed (nextAllowedAt). It counts towards every cap after it.");
        contacts.MapPost("/contacts/{contactId:long}/results", ResultAsync)
            .WithName("RecordContactResult")
            .RequireAuthorization(Policies.ContactResults)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("A channel gateway reports what became of a contact the engine sent: Delivered, Failed or Replied")
            .WithDescription("contactId and this path are in the webhook's body (resultsPath). outcome (calls only): NoAnswer, Conversation, PromiseToPay, WrongNumber, Refused — it counts for the contact policy (e.g. a conversation starts the US 7-day wait). Idempotent: the same status again records nothing (recorded: false). A result for a contact whose sending was never confirmed records it as sent, so it is not sent again. Audited as ContactResultReceived.");
        return account;
    }

    private static async Task<Results<Ok<ContactPermissionResponse>, ProblemHttpResult>> PermissionAsync([AsParameters] AccountTarget target, string? channel)
    {
        if (!Parse.Name<ContactChannel>(channel, out var parsed))
        {
            return Problems.Invalid("channel", $"is required: one of {Channels}");
        }

        return await target.Contacts.GetContactPermissionAsync(parsed) is { } permission
            ? TypedResults.Ok(new ContactPermissionResponse(permission.Allowed, permission.Rule, permission.Detail, permission.NextAllowedAt))
            : target.Unknown();
    }

    private static async Task<Results<Created<ContactResponse>, ProblemHttpResult>> RecordAsync([AsParameters] AccountTarget target, ContactRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Parse.Name<ContactChannel>(request.Channel, out var channel))
        {
            errors["channel"] = [$"must be one of {Channels}"];
        }

        if (!Parse.Name<ContactOutcome>(request.Outcome, out var outcome))
        {
            errors["outcome"] = [$"must be one of {Outcomes}"];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var result = await target.Contacts.RecordContactAsync(new TeamContact(channel, outcome, request.At), target.Actor);
        if (!result.Exists)
        {
            return target.Unknown();
        }

        if (result.Rule is { } rule)
        {
            return ContactNotAllowed(result.Error, rule, result.NextAllowedAt);
        }

        if (result.RejectionKind is { } kind)
        {
            return Problems.Rejected(kind, result.Error ?? kind.ToString());
        }

        var view = await target.Account.GetViewAsync();
        return TypedResults.Created(
            $"{target.Location}/events?after={Math.Max(0, (view?.EventCount ?? 1) - 1)}",
            new ContactResponse(channel, outcome, result.At ?? request.At ?? default, ContactRules.Allowed));
    }

    private static async Task<Results<Ok<ContactResultResponse>, ProblemHttpResult>> ResultAsync([AsParameters] AccountTarget target, long contactId, ContactResultRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Parse.Name<ContactResultStatus>(request.Status, out var status))
        {
            errors["status"] = [$"must be one of {Statuses}"];
        }

        ContactOutcome? outcome = null;
        if (request.Outcome is not null)
        {
            if (Parse.Name<ContactOutcome>(request.Outcome, out var parsed))
            {
                outcome = parsed;
            }
            else
            {
                errors["outcome"] = [$"must be one of {Outcomes}"];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var result = await target.Contacts.RecordContactResultAsync(contactId, new ContactResultReport(status, outcome, request.At, request.Detail), target.Actor);
        if (!result.Exists)
        {
            return target.Unknown();
        }

        return result.RejectionKind is { } kind
            ? Problems.Rejected(kind, result.Error ?? kind.ToString())
            : TypedResults.Ok(new ContactResultResponse(contactId, status, result.Recorded));
    }

    /// <summary>409 naming the contact policy's rule and when it would allow the contact (shared with the agencies' activities).</summary>
    internal static ProblemHttpResult ContactNotAllowed(string? detail, string rule, DateTimeOffset? nextAllowedAt) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Contact not allowed",
            extensions: new Dictionary<string, object?> { ["rule"] = rule, ["nextAllowedAt"] = nextAllowedAt });
}
