using System.Reflection;
using Collections.Contracts;
using Collections.Grains.Accounts;

namespace Collections.Grains.Tests;

/// <summary>
/// Every type that crosses a grain boundary — the contracts, and the domain types reachable from a grain
/// interface or a grain's persisted state — is serialized by generated code under a stable alias, so that
/// renaming or moving a class never breaks a rolling upgrade or stored state. Checked by reflection, so a
/// new type is covered the day it is used.
/// </summary>
public class SerializationConventionTests
{
    public static TheoryData<string> CrossingTypes => [.. TypesCrossingGrainBoundaries().Select(t => t.FullName!)];

    [Fact]
    public void The_walk_finds_the_contracts_the_domain_types_they_carry_and_the_grains_stored_state()
    {
        var names = TypesCrossingGrainBoundaries().Select(t => t.Name).ToHashSet();

        Assert.Contains(nameof(AccountView), names);
        Assert.Contains("AccountRecord", names);
        Assert.Contains("PlanTerms", names);
        Assert.Contains("LenderState", names);
    }

    [Theory]
    [MemberData(nameof(CrossingTypes))]
    public void A_type_crossing_a_grain_boundary_has_a_generated_serializer_and_an_alias(string typeName)
    {
        var type = TypesCrossingGrainBoundaries().Single(t => t.FullName == typeName);

        Assert.True(type.IsDefined(typeof(GenerateSerializerAttribute), inherit: false), $"{type.Name} needs [GenerateSerializer]");
        Assert.True(type.IsDefined(typeof(AliasAttribute), inherit: false), $"{type.Name} needs [Alias(\"...\")]");
    }

    /// <summary>
    /// The project's own types (enums excepted: Orleans encodes them without generated code) declared in
    /// the contracts, used by a grain interface, or kept as a grain's persisted state, and every type
    /// their serialized (<c>[Id]</c>) members hold, transitively.
    /// </summary>
    private static IReadOnlyList<Type> TypesCrossingGrainBoundaries()
    {
        var contracts = typeof(IAccountGrain).Assembly;
        var grains = typeof(AccountGrain).Assembly;
        var seeds = contracts.GetTypes()
            .Where(t => t.IsPublic && !t.IsInterface && !(t.IsAbstract && t.IsSealed))
            .Concat(contracts.GetTypes()
                .Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t))
                .SelectMany(t => t.GetMethods())
                .SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)))
            .Concat(grains.GetTypes()
                .SelectMany(t => t.GetConstructors())
                .SelectMany(c => c.GetParameters())
                .Select(p => p.ParameterType)
                .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IPersistentState<>)));

        var found = new HashSet<Type>();
        var pending = new Stack<Type>(seeds);
        while (pending.TryPop(out var type))
        {
            if (type.IsArray)
            {
                pending.Push(type.GetElementType()!);
                continue;
            }

            if (type.IsGenericType && !IsOwn(type))
            {
                // Task<T>, ImmutableArray<T>, IPersistentState<T>, Nullable<T>…: what they carry crosses too.
                foreach (var argument in type.GetGenericArguments())
                {
                    pending.Push(argument);
                }

                continue;
            }

            if (!IsOwn(type) || type.IsEnum || type.IsGenericParameter || !found.Add(type))
            {
                continue;
            }

            const BindingFlags members = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
            foreach (var property in type.GetProperties(members).Where(p => p.IsDefined(typeof(IdAttribute))))
            {
                pending.Push(property.PropertyType);
            }

            foreach (var field in type.GetFields(members).Where(f => f.IsDefined(typeof(IdAttribute))))
            {
                pending.Push(field.FieldType);
            }
        }

        return [.. found.OrderBy(t => t.FullName, StringComparer.Ordinal)];
    }

    private static bool IsOwn(Type type) => type.Namespace?.StartsWith("Collections.", StringComparison.Ordinal) == true;
}
