using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Contacts;
using Collections.Host.Auth;

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
    private static readonly string Channels = string.Join(", ", Enum.GetNames<ContactChannel>());
    private static readonly string Outcomes = string.Join(", ", Enum.GetNames<ContactOutcome>());
    private static readonly string Statuses = string.Join(", ", Enum.GetNames<ContactResultStatus>());

    public static RouteGroupBuilder MapContactsApi(this RouteGroupBuilder accounts)
    {
        accounts.MapGet("/{accountRef}/contact-permission", PermissionAsync)
            .WithTags("Contacts")
            .Produces<ContactPermissionResponse>()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("May the debtor be contacted on a channel now? A dialer asks before it dials")
            .WithDescription("rule is 'allowed' or the rule that forbids it (timeWindow, callAttemptsPer7Days, waitAfterConversation, effectiveCallsPerDay, holiday, disputeOpen, hold, ceaseCommunication, accountClosed); nextAllowedAt is the first moment it would be allowed, null while a stop lasts.");
        accounts.MapPost("/{accountRef}/contacts", RecordAsync)
            .WithTags("Contacts")
            .Produces<ContactResponse>(StatusCodes.Status201Created)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Record a contact made by the lender's own team")
            .WithDescription("Checked by the contact policy at its instant (at, default now, at most 8 days ago). 409 when it would break a rule: the problem names it (rule) and when it would be allowed (nextAllowedAt). It counts towards every cap after it.");
        accounts.MapPost("/{accountRef}/contacts/{contactId:long}/results", ResultAsync)
            .WithTags("Contacts")
            .Produces<ContactResultResponse>()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("A channel gateway reports what became of a contact the engine sent: Delivered, Failed or Replied")
            .WithDescription("contactId and this path are in the webhook's body (resultsPath). outcome (calls only): NoAnswer, Conversation, PromiseToPay, WrongNumber, Refused — it counts for the contact policy (e.g. a conversation starts the US 7-day wait). Idempotent: the same status again records nothing (recorded: false). A result for a contact whose sending was never confirmed records it as sent, so it is not sent again. Audited as ContactResultReceived.");
        return accounts;
    }

    private static async Task<IResult> PermissionAsync(string lenderId, string accountRef, string? channel, IGrainFactory grains)
    {
        if (!ProtectionApi.TryParse<ContactChannel>(channel, out var parsed))
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["channel"] = [$"is required: one of {Channels}"] });
        }

        if (!Ids.Valid(lenderId, accountRef) || await Contacts(grains, lenderId, accountRef).GetContactPermissionAsync(parsed) is not { } permission)
        {
            return AccountResults.UnknownAccount(lenderId, accountRef);
        }

        return TypedResults.Ok(new ContactPermissionResponse(permission.Allowed, permission.Rule, permission.Detail, permission.NextAllowedAt));
    }

    private static async Task<IResult> RecordAsync(string lenderId, string accountRef, ContactRequest request, HttpContext context, IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        if (!ProtectionApi.TryParse<ContactChannel>(request.Channel, out var channel))
        {
            errors["channel"] = [$"must be one of {Channels}"];
        }

        if (!ProtectionApi.TryParse<ContactOutcome>(request.Outcome, out var outcome))
        {
            errors["outcome"] = [$"must be one of {Outcomes}"];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (!Ids.Valid(lenderId, accountRef))
        {
            return AccountResults.UnknownAccount(lenderId, accountRef);
        }

        var result = await Contacts(grains, lenderId, accountRef).RecordContactAsync(new TeamContact(channel, outcome, request.At), context.User.Actor());
        if (!result.Exists)
        {
            return AccountResults.UnknownAccount(lenderId, accountRef);
        }

        if (result.Rule is { } rule)
        {
            return TypedResults.Problem(result.Error, statusCode: StatusCodes.Status409Conflict, title: "Contact not allowed",
                extensions: new Dictionary<string, object?> { ["rule"] = rule, ["nextAllowedAt"] = result.NextAllowedAt });
        }

        if (result.RejectionKind is { } kind)
        {
            return Problems.Rejected(kind, result.Error ?? kind.ToString());
        }

        var view = await grains.GetGrain<IAccountGrain>(AccountKey.For(lenderId, accountRef)).GetViewAsync();
        return TypedResults.Created(
            $"{AccountResults.Location(lenderId, accountRef)}/events?after={Math.Max(0, (view?.EventCount ?? 1) - 1)}",
            new ContactResponse(channel, outcome, result.At ?? request.At ?? default, ContactRules.Allowed));
    }

    private static async Task<IResult> ResultAsync(string lenderId, string accountRef, long contactId, ContactResultRequest request, HttpContext context, IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        if (!ProtectionApi.TryParse<ContactResultStatus>(request.Status, out var status))
        {
            errors["status"] = [$"must be one of {Statuses}"];
        }

        ContactOutcome? outcome = null;
        if (request.Outcome is not null)
        {
            if (ProtectionApi.TryParse<ContactOutcome>(request.Outcome, out var parsed))
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

        if (!Ids.Valid(lenderId, accountRef))
        {
            return AccountResults.UnknownAccount(lenderId, accountRef);
        }

        var result = await Contacts(grains, lenderId, accountRef).RecordContactResultAsync(contactId, new ContactResultReport(status, outcome, request.At, request.Detail), context.User.Actor());
        if (!result.Exists)
        {
            return AccountResults.UnknownAccount(lenderId, accountRef);
        }

        return result.RejectionKind is { } kind
            ? Problems.Rejected(kind, result.Error ?? kind.ToString())
            : TypedResults.Ok(new ContactResultResponse(contactId, status, result.Recorded));
    }

    private static IAccountContactsGrain Contacts(IGrainFactory grains, string lenderId, string accountRef) =>
        grains.GetGrain<IAccountContactsGrain>(AccountKey.For(lenderId, accountRef));
}
