using Collections.Domain.Events;

namespace Collections.Domain.Accounts;

/// <summary>
/// Disputes, holds and litigation: what stops collection, what resumes it, and the lawsuit's steps.
/// Resuming needs no code of its own: once nothing stops escalation, <see cref="Advance"/> enters every
/// stage the DPD calls for, one audited entry each.
/// </summary>
public static partial class AccountLifecycle
{
    public const int MaxHoldNoteLength = 500;

    /// <summary>The debtor disputes the debt: collection stops until the dispute is resolved.</summary>
    public static Decision OpenDispute(AccountState state, string? reason, DateTimeOffset now)
    {
        if (state.Status == AccountStatus.Closed)
        {
            return ClosedConflict(state, "a dispute");
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Length > DisputeRules.MaxReasonLength)
        {
            return Decision.Reject(RejectionKind.Invalid, $"reason is required: what the debtor disputes (at most {DisputeRules.MaxReasonLength} characters)");
        }

        if (state.Dispute is { } open)
        {
            return Decision.Reject(RejectionKind.Conflict, $"a dispute is already open since {open.OpenedAt:O}; resolve it before opening another");
        }

        DateOnly? windowEnds = state.FirstNoticeAt is { } firstNotice
            ? BusinessCalendar.LocalDate(firstNotice, state.Zone).AddDays(DisputeRules.ValidationWindowDays)
            : null;
        var within = windowEnds is not { } ends || BusinessCalendar.LocalDate(now, state.Zone) <= ends;
        return new Decision([new DisputeOpened(reason.Trim(), state.FirstNoticeAt, windowEnds, within)]);
    }

    /// <summary>Verified resumes collection; Upheld closes the account as WrittenOff.</summary>
    public static Decision ResolveDispute(AccountState state, DisputeOutcome outcome)
    {
        if (!Enum.IsDefined(outcome))
        {
            return Decision.Reject(RejectionKind.Invalid, "outcome must be Verified or Upheld");
        }

        if (state.Dispute is null)
        {
            return Decision.Reject(RejectionKind.Conflict, "no dispute is open on this account");
        }

        return outcome == DisputeOutcome.Upheld && state.Status == AccountStatus.Active
            ? new Decision([new DisputeResolved(outcome), new AccountClosed(ClosedReason.WrittenOff)])
            : new Decision([new DisputeResolved(outcome)]);
    }

    /// <summary>Puts a hold on the account; <see cref="HoldRules"/> says what it stops.</summary>
    public static Decision PlaceHold(AccountState state, HoldType type, string? note)
    {
        if (!Enum.IsDefined(type))
        {
            return Decision.Reject(RejectionKind.Invalid, $"type must be one of {string.Join(", ", Enum.GetNames<HoldType>())}");
        }

        if (note is { Length: > MaxHoldNoteLength })
        {
            return Decision.Reject(RejectionKind.Invalid, $"note is at most {MaxHoldNoteLength} characters");
        }

        if (state.Status == AccountStatus.Closed)
        {
            return ClosedConflict(state, "a hold");
        }

        if (state.Holds.Any(h => h.Type == type))
        {
            return Decision.Reject(RejectionKind.Conflict, $"the account already has a {type} hold; release it before placing it again");
        }

        var trimmed = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        return new Decision([new HoldPlaced(type, trimmed, HoldRules.Stops(type))]);
    }

    /// <summary>Lifts a hold; what it stopped resumes unless something else still stops it.</summary>
    public static Decision ReleaseHold(AccountState state, HoldType type)
    {
        if (!Enum.IsDefined(type))
        {
            return Decision.Reject(RejectionKind.Invalid, $"type must be one of {string.Join(", ", Enum.GetNames<HoldType>())}");
        }

        return state.Holds.Any(h => h.Type == type)
            ? new Decision([new HoldReleased(type)])
            : Decision.Reject(RejectionKind.NotFound, $"the account has no {type} hold");
    }

    /// <summary>
    /// Records a step of the account's lawsuit. Litigation belongs to the Legal stage (and may go on
    /// after charge-off); a case is filed once, judged once, and enforced only after its judgment.
    /// </summary>
    public static Decision RecordLitigationStep(
        AccountState state, LitigationStep step, DateOnly? on, string? caseReference, string? note, DateTimeOffset now)
    {
        var today = BusinessCalendar.LocalDate(now, state.Zone);
        var date = on ?? today;
        if (!Enum.IsDefined(step))
        {
            return Decision.Reject(RejectionKind.Invalid, $"step must be one of {string.Join(", ", Enum.GetNames<LitigationStep>())}");
        }

        if (caseReference is { Length: > LitigationRules.MaxCaseReferenceLength } || note is { Length: > LitigationRules.MaxNoteLength })
        {
            return Decision.Reject(RejectionKind.Invalid, $"caseReference is at most {LitigationRules.MaxCaseReferenceLength} characters and note at most {LitigationRules.MaxNoteLength}");
        }

        if (!BusinessCalendar.Accepts(date))
        {
            return OutOfRange("on", date);
        }

        if (date > today)
        {
            return Decision.Reject(RejectionKind.Invalid, $"on {BusinessCalendar.Iso(date)} is in the future; record a step once it has happened (today is {BusinessCalendar.Iso(today)})");
        }

        if (state.Litigation is { } lawsuit && date < lawsuit.LastStepOn)
        {
            return Decision.Reject(RejectionKind.Invalid, $"on {BusinessCalendar.Iso(date)} is before the previous step ({lawsuit.LastStep} on {BusinessCalendar.Iso(lawsuit.LastStepOn)})");
        }

        if (state.Status == AccountStatus.Closed)
        {
            return ClosedConflict(state, "a litigation step");
        }

        if (state.Stage is not (Stage.Legal or Stage.ChargedOff))
        {
            return Decision.Reject(RejectionKind.Conflict, $"litigation is recorded from the Legal stage on; the account is in {state.Stage?.ToString() ?? "no stage yet"}");
        }

        if (StoppedBy(state, CollectionActivities.Litigation) is { } stop)
        {
            return Decision.Reject(RejectionKind.Conflict, $"litigation is stopped by {DescribeStop(stop)}");
        }

        var conflict = (step, state.Litigation) switch
        {
            (LitigationStep.Filed, { } filed) => $"the case was already filed on {BusinessCalendar.Iso(filed.FiledOn)}",
            (not LitigationStep.Filed, null) => $"no case is filed yet; record Filed before {step}",
            (LitigationStep.Judgment, { JudgmentOn: { } judged }) => $"the judgment was already recorded on {BusinessCalendar.Iso(judged)}",
            (LitigationStep.Enforcement, { JudgmentOn: null }) => "enforcement follows a judgment; record the Judgment first",
            _ => null,
        };
        if (conflict is not null)
        {
            return Decision.Reject(RejectionKind.Conflict, conflict);
        }

        var reference = string.IsNullOrWhiteSpace(caseReference) ? null : caseReference.Trim();
        var text = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        return new Decision([new LitigationStepRecorded(step, date, reference, text)]);
    }

    /// <summary>A command on a closed account: 409 naming the closure, answered before any other check.</summary>
    private static Decision ClosedConflict(AccountState state, string what) =>
        Decision.Reject(RejectionKind.Conflict, $"the account is closed ({state.ClosedReason}){(state.ClosedAt is { } at ? $" since {at:yyyy-MM-dd}" : "")}; {what} can only be recorded on an active account");

    /// <summary>Disputes, holds and litigation.</summary>
    private static AccountState ApplyProtection(AccountState state, AccountEvent e) => e.Data switch
    {
        DisputeOpened opened => state with
        {
            Version = e.Seq,
            Dispute = new Dispute(opened.Reason, e.At, opened.ValidationWindowEndsOn, opened.WithinValidationWindow),

            // A dispute raised while placed is a complaint in the agency's supervision figures.
            Outsourcing = state.Outsourcing.Current is { } placed
                ? state.Outsourcing with { Current = placed with { Stats = placed.Stats with { Complaints = placed.Stats.Complaints + 1 } } }
                : state.Outsourcing,
        },
        DisputeResolved => state with { Version = e.Seq, Dispute = null },
        HoldPlaced placed => state with { Version = e.Seq, Holds = state.Holds.Add(new Hold(placed.Hold, placed.Note, e.At)) },
        HoldReleased released => state with { Version = e.Seq, Holds = state.Holds.RemoveAll(h => h.Type == released.Hold) },
        LitigationStepRecorded recorded => state with
        {
            Version = e.Seq,
            Litigation = state.Litigation is { } lawsuit
                ? lawsuit with
                {
                    CaseReference = recorded.CaseReference ?? lawsuit.CaseReference,
                    JudgmentOn = recorded.Step == LitigationStep.Judgment ? recorded.On : lawsuit.JudgmentOn,
                    LastStep = recorded.Step,
                    LastStepOn = recorded.On,
                    Steps = lawsuit.Steps + 1,
                }
                : new LitigationCase(recorded.CaseReference, recorded.On, null, recorded.Step, recorded.On, 1),
        },
        _ => throw Unhandled(e),
    };
}
