using Collections.Domain.Accounts;

namespace Collections.Domain.Events;

/// <summary>
/// A complaint came in, to be answered by <see cref="RespondBy"/> (the debtor's date). <see cref="AgencyId"/> is the
/// agency complained of, if any; <see cref="OpensDispute"/>: a NotMine complaint opened a dispute (its own event follows).
/// </summary>
public sealed record ComplaintReceived(
    string ComplaintId,
    ComplaintChannel Channel,
    ComplaintCategory Category,
    string Text,
    string? AgencyId,
    DateOnly RespondBy,
    bool OpensDispute) : AccountEventData;
