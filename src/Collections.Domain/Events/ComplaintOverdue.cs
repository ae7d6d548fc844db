namespace Collections.Domain.Events;

/// <summary>A complaint was still unresolved when its response deadline ended in the debtor's zone: flagged by the account's wake.</summary>
public sealed record ComplaintOverdue(string ComplaintId, DateOnly RespondBy) : AccountEventData;
