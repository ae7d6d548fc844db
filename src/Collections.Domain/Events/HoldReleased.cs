using Collections.Domain.Accounts;

namespace Collections.Domain.Events;

/// <summary>A hold was lifted; what it stopped resumes unless another hold or a dispute still stops it.</summary>
public sealed record HoldReleased(HoldType Hold) : AccountEventData;
