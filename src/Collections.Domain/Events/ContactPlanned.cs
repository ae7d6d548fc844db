using Collections.Domain.Contacts;

namespace Collections.Domain.Events;

/// <summary>
/// The strategy's contact plan calls for a contact: step <see cref="Step"/> of the plan, on the debtor-local
/// <see cref="Day"/> (<see cref="DayOffset"/> days after the stage was entered). <see cref="FirstAllowedAt"/>
/// is the first moment of that day the contact policy allowed when it was planned (null: a stop forbade
/// it then); it goes out when the policy allows, or is suppressed with the rule that forbids it.
/// </summary>
public sealed record ContactPlanned(int Step, Stage Stage, ContactChannel Channel, int DayOffset, DateOnly Day, DateTimeOffset? FirstAllowedAt) : AccountEventData;
