using System.Security.Cryptography;
using System.Text;
using Collections.Domain;
using Collections.Domain.Contacts;
using Microsoft.Extensions.Options;

namespace Collections.Grains.Contacts;

/// <summary>
/// The embedded default gateway: sends nothing, and answers with a preview of what it would have sent
/// (recorded in the account's <c>ContactSent</c> event, with the recipient masked) and, for demos, a
/// result decided by the contact's idempotency key (<see cref="SimulatedResults"/>).
/// </summary>
public sealed class SimulatedContactGateway(IOptionsMonitor<ContactOptions> options) : IContactGateway
{
    public const string Name = "simulated";

    public Task<ContactDispatchResult> SendAsync(ContactMessage message, CancellationToken cancellationToken) =>
        Task.FromResult(new ContactDispatchResult(true, Name, $"sim-{message.ContactId}", Preview(message), Result(message, options.CurrentValue.SimulatedResults)));

    /// <summary>What the contact would say and to whom, with the recipient masked.</summary>
    public static string Preview(ContactMessage message)
    {
        var to = message.Channel switch
        {
            ContactChannel.Sms or ContactChannel.Call => Mask(message.Debtor.Phone),
            ContactChannel.Email => Mask(message.Debtor.Email),
            _ => "the debtor's postal address",
        };
        return $"{message.Summary} — to {to}";
    }

    private static (ContactResultStatus, ContactOutcome?)? Result(ContactMessage message, SimulatedResults mode)
    {
        if (mode == SimulatedResults.None)
        {
            return null;
        }

        if (mode == SimulatedResults.Delivered)
        {
            return (ContactResultStatus.Delivered, message.Channel == ContactChannel.Call ? ContactOutcome.NoAnswer : null);
        }

        var roll = BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(message.IdempotencyKey)), 0) % 100;
        return message.Channel switch
        {
            ContactChannel.Call when roll < 55 => (ContactResultStatus.Delivered, ContactOutcome.NoAnswer),
            ContactChannel.Call when roll < 80 => (ContactResultStatus.Replied, ContactOutcome.Conversation),
            ContactChannel.Call when roll < 90 => (ContactResultStatus.Replied, ContactOutcome.Refused),
            ContactChannel.Call => (ContactResultStatus.Failed, ContactOutcome.WrongNumber),
            _ when roll < 80 => (ContactResultStatus.Delivered, null),
            _ when roll < 90 => (ContactResultStatus.Replied, null),
            _ => (ContactResultStatus.Failed, null),
        };
    }

    private static string Mask(string? address) =>
        address is { Length: > 4 } ? $"***{address[^4..]}" : "(no address on record)";
}
