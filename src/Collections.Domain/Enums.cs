namespace Collections.Domain;

/// <summary>Collection stages in escalation order; an account never skips one silently.</summary>
public enum Stage
{
    Notice,
    Early,
    Mid,
    Legal,
    ChargedOff,
}

public enum AccountStatus
{
    Active,
    Closed,
}

public enum ClosedReason
{
    Cured,
    Paid,
    Settled,
    WrittenOff,
    Recalled,
    Sold,
}

public enum Product
{
    Installment,
    Card,
    CashLoan,
}

public enum RiskTier
{
    Low,
    Medium,
    High,
}

public enum ContactChannel
{
    Sms,
    Email,
    Call,
    Letter,
}

public enum ComplianceProfile
{
    CN,
    US,
}

public enum StrategyVariant
{
    Champion,
    Challenger,
}
