using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Contacts;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

public sealed record ContactRequest(string? Channel, string? Outcome, DateTimeOffset? At);

/// <summary>
/// A contact of the lender's team as recorded: <see cref="ContactId"/> is the sequence number of its event in
/// the audit trail; <see cref="Violation"/> is null (a contact that broke a rule is answered 409).
/// </summary>
public sealed record ContactResponse(long ContactId, string? Violation, ContactChannel Channel, ContactOutcome Outcome, DateTimeOffset At, string Rule);

/// <summary>New contact data for the debtor; <see cref="Source"/> says where it comes from (skip-trace, debtor, agency…).</summary>
public sealed record ContactInfoRequest(string? Phone, string? Email, string? Address, string? Source);

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
            .WithDescription("rule is 'allowed' or the rule that forbids it (timeWindow, callAttemptsPer7Days, waitAfterConversation, effectiveCallsPerDay, unansweredDialsPerDay, wrong-number, holiday, disputeOpen, hold, ceaseCommunication, accountClosed); for an account with a customerId the person's rules (docs/contacts.md) apply across their accounts; nextAllowedAt is the first moment it would be allowed, null while a stop lasts.");
        contacts.MapPost("/contacts", RecordAsync)
            .WithName("RecordContact")
            .RequireAuthorization(Policies.Contactor)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Record a contact made by the lender's own team")
            .WithDescription("Judged by the contact policy at its instant (at, default now, at most 8 days ago) against every contact recorded, before and after it. A contact that broke a rule is still recorded (ContactViolation, with the actor) and answered 409: the problem names the rule, when it would have been allowed (nextAllowedAt) and recorded: true. Either way it counts towards every cap after it. Outcome WrongNumber blocks calls and SMS to that number until another arrives.");
        contacts.MapPost("/contact-info", ChangeContactInfoAsync)
            .WithName("ChangeContactInfo")
            .RequireAuthorization(Policies.Negotiator)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("New phone, email or postal address for the debtor, with where it comes from")
            .WithDescription("source is required (e.g. skip-trace, debtor, agency); fields left out stay as they are. Audited as ContactInfoChanged. A new phone number lifts a wrong-number block. 409 when the account is closed.");
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
            return ContactNotAllowed(result.Error, rule, result.NextAllowedAt, result.Recorded);
        }

        if (result.RejectionKind is { } kind)
        {
            return Problems.Rejected(kind, result.Error ?? kind.ToString());
        }

        var contactId = result.ContactId ?? 0;
        return TypedResults.Created(
            $"{target.Location}/events?after={Math.Max(0, contactId - 1)}&limit=1",
            new ContactResponse(contactId, null, channel, outcome, result.At ?? request.At ?? default, ContactRules.Allowed));
    }

    private static async Task<Results<Ok<AccountView>, ProblemHttpResult>> ChangeContactInfoAsync([AsParameters] AccountTarget target, ContactInfoRequest request) =>
        target.Respond(await target.Contacts.ChangeContactInfoAsync(new ContactInfo(request.Phone, request.Email, request.Address, request.Source), target.Actor), TypedResults.Ok);

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

    /// <summary>
    /// 409 naming the contact policy's rule and when it would allow the contact (shared with the agencies'
    /// activities); <paramref name="recorded"/>: the contact happened and is recorded as a violation.
    /// </summary>
    internal static ProblemHttpResult ContactNotAllowed(string? detail, string rule, DateTimeOffset? nextAllowedAt, bool recorded = false) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Contact not allowed",
            extensions: new Dictionary<string, object?> { ["rule"] = rule, ["nextAllowedAt"] = nextAllowedAt, ["recorded"] = recorded });
}
