namespace Collections.Domain.Events;

/// <summary>A complaint was answered: <see cref="Upheld"/> says whether the debtor was right.</summary>
public sealed record ComplaintResolved(string ComplaintId, bool Upheld, string Resolution) : AccountEventData;
