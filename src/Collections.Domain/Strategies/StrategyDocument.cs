using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Collections.Domain.Contacts;

namespace Collections.Domain.Strategies;

/// <summary>The outcome of reading a strategy document: a strategy, or every problem keyed by JSON path.</summary>
public sealed record StrategyParseResult(Strategy? Strategy, string? NormalizedJson, ImmutableDictionary<string, string[]> Errors)
{
    public bool IsValid => Strategy is not null;
}

/// <summary>
/// Reads the strategy document of the API. Sections (and fields within them) left out take the default
/// strategy's values: the document is merged over <see cref="DefaultJson"/> before it is validated,
/// and the challenger is the champion with <c>challenger.overrides</c> merged over it.
/// </summary>
public static partial class StrategyDocument
{
    public const string DefaultJson = """
        {
          "name": "standard",
          "stages": { "Notice": 1, "Early": 4, "Mid": 31, "Legal": 91, "ChargedOff": 181 },
          "buckets": [ {"name":"M1","fromDpd":1}, {"name":"M2","fromDpd":31}, {"name":"M3","fromDpd":61},
                       {"name":"M4","fromDpd":91}, {"name":"M5","fromDpd":121}, {"name":"M6+","fromDpd":151} ],
          "contactPlan": [ {"stage":"Notice","channel":"Sms","dayOffsets":[0,3]},
                           {"stage":"Early","channel":"Call","everyDays":1},
                           {"stage":"Early","channel":"Letter","dayOffsets":[0]} ],
          "placement": { "durationDays": 30, "minBalance": 0 },
          "legal": { "minBalance": 0, "enabled": true },
          "negotiation": { "promiseGraceDays": 2, "maxBrokenPromises": 3, "maxInstallments": 12,
                           "maxWaiverPercent": 30, "approvalAboveWaiverPercent": 10,
                           "minSettlementPercent": 60, "maxPromiseDays": 30,
                           "reminderDaysBefore": [1], "reminderChannel": "Sms" },
          "compliance": { "profile": "CN" },
          "complaints": { "responseDays": 15 },
          "portal": { "linkDays": 14 },
          "challenger": { "percent": 0, "overrides": { } },
          "segments": [],
          "products": { }
        }
        """;

    private static readonly Lazy<Strategy> DefaultStrategy = new(() =>
        Parse(DefaultJson).Strategy ?? throw new InvalidOperationException("The default strategy is invalid."));

    /// <summary>The strategy that applies to a lender who never sent one.</summary>
    public static Strategy Default => DefaultStrategy.Value;

    public static StrategyParseResult Parse(string json)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            return Failed("$", $"not valid JSON: {ex.Message}");
        }

        if (node is not JsonObject submitted)
        {
            return Failed("$", "the strategy must be a JSON object");
        }

        var merged = (JsonObject)JsonNode.Parse(DefaultJson)!;
        Merge(merged, submitted);
        var reader = new Reader(errors);
        var champion = reader.ReadStrategy(merged, "");

        Strategy? challenger = null;
        var challengerPercent = 0;
        if (merged["challenger"] is JsonObject challengerSection)
        {
            reader.RejectUnknown(challengerSection, "challenger", "percent", "overrides");
            challengerPercent = reader.Int(challengerSection, "percent", "challenger", 0, 100) ?? 0;
            if (challengerSection["overrides"] is JsonObject overrides)
            {
                if (overrides.ContainsKey("challenger"))
                {
                    reader.Error("challenger.overrides.challenger", "a challenger cannot have a challenger of its own");
                }
                else if (overrides.Count > 0)
                {
                    var variant = (JsonObject)merged.DeepClone();
                    variant.Remove("challenger");
                    Merge(variant, (JsonObject)overrides.DeepClone());
                    challenger = reader.ReadStrategy(variant, "challenger.overrides.");
                }
            }
            else if (challengerSection["overrides"] is not null)
            {
                reader.Error("challenger.overrides", "must be an object of strategy sections");
            }
        }
        else
        {
            reader.Error("challenger", "must be an object");
        }

        if (errors.Count > 0 || champion is null)
        {
            return new(null, null, errors.ToImmutableDictionary(e => e.Key, e => e.Value.ToArray()));
        }

        var strategy = champion with { ChallengerPercent = challengerPercent, Challenger = challenger };
        return new(strategy, merged.ToJsonString(), ImmutableDictionary<string, string[]>.Empty);

        StrategyParseResult Failed(string path, string message) =>
            new(null, null, ImmutableDictionary<string, string[]>.Empty.Add(path, [message]));
    }

    /// <summary>Deep merge: objects merge key by key, anything else (arrays included) replaces.</summary>
    private static void Merge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source.ToList())
        {
            if (value is JsonObject sourceObject && target[key] is JsonObject targetObject && key != "overrides")
            {
                Merge(targetObject, sourceObject);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    private sealed class Reader(Dictionary<string, List<string>> errors)
    {
        private static readonly string[] Sections =
            ["name", "stages", "buckets", "contactPlan", "placement", "legal", "negotiation", "compliance", "complaints", "portal", "challenger", "segments", "products"];

        /// <summary>The sections a segment may replace: the treatment, not the law (compliance) nor the reporting (buckets).</summary>
        private static readonly string[] SegmentSections = ["stages", "contactPlan", "placement", "legal", "negotiation"];

        private static readonly string[] WhenFields = ["minDpd", "maxDpd", "minBalance", "maxBalance", "minScore", "maxScore", "products"];

        private const int MaxSegments = 50;

        public void Error(string path, string message)
        {
            if (!errors.TryGetValue(path, out var list))
            {
                errors[path] = list = [];
            }

            list.Add(message);
        }

        public void RejectUnknown(JsonObject obj, string path, params string[] known)
        {
            foreach (var key in obj.Select(p => p.Key))
            {
                if (!known.Contains(key))
                {
                    Error(Join(path, key), $"unknown field; expected one of {string.Join(", ", known)}");
                }
            }
        }

        /// <summary>A whole strategy at <paramref name="prefix"/>; a segment's rules are read <paramref name="withSegments"/> false.</summary>
        public Strategy? ReadStrategy(JsonObject doc, string prefix, bool withSegments = true)
        {
            var before = errors.Count;
            RejectUnknown(doc, prefix.TrimEnd('.'), withSegments ? Sections : Sections[..^3]);

            var name = doc["name"] is JsonValue nameValue && nameValue.TryGetValue<string>(out var n) && n.Trim().Length is > 0 and <= 64
                ? n.Trim()
                : null;
            if (name is null)
            {
                Error(prefix + "name", "must be a non-empty string of at most 64 characters");
            }

            var stages = ReadStages(Object(doc, "stages", prefix), prefix + "stages");
            var buckets = ReadBuckets(doc["buckets"], prefix + "buckets");
            var contactPlan = ReadContactPlan(doc["contactPlan"], prefix + "contactPlan");

            var placementSection = Object(doc, "placement", prefix);
            RejectUnknown(placementSection, prefix + "placement", "durationDays", "minBalance");
            var placement = new PlacementPolicy(
                Int(placementSection, "durationDays", prefix + "placement", 1, 3650) ?? 0,
                Money(placementSection, "minBalance", prefix + "placement"));

            var legalSection = Object(doc, "legal", prefix);
            RejectUnknown(legalSection, prefix + "legal", "minBalance", "enabled");
            var legal = new LegalPolicy(Money(legalSection, "minBalance", prefix + "legal"), Bool(legalSection, "enabled", prefix + "legal"));

            var negotiationSection = Object(doc, "negotiation", prefix);
            var np = prefix + "negotiation";
            RejectUnknown(negotiationSection, np, "promiseGraceDays", "maxBrokenPromises", "maxInstallments",
                "maxWaiverPercent", "approvalAboveWaiverPercent", "minSettlementPercent", "maxPromiseDays",
                "reminderDaysBefore", "reminderChannel");
            var negotiation = new NegotiationPolicy(
                Int(negotiationSection, "promiseGraceDays", np, 0, 60) ?? 0,
                Int(negotiationSection, "maxBrokenPromises", np, 1, 100) ?? 0,
                Int(negotiationSection, "maxInstallments", np, 1, 120) ?? 0,
                Percent(negotiationSection, "maxWaiverPercent", np),
                Percent(negotiationSection, "approvalAboveWaiverPercent", np),
                Percent(negotiationSection, "minSettlementPercent", np),
                Int(negotiationSection, "maxPromiseDays", np, 1, 365) ?? 0)
            {
                ReminderDaysBefore = Days(negotiationSection, "reminderDaysBefore", np, 0, 30),
                ReminderChannel = EnumValue<ContactChannel>(negotiationSection, "reminderChannel", np) ?? ContactChannel.Sms,
            };
            if (negotiation.ApprovalAboveWaiverPercent > negotiation.MaxWaiverPercent && !errors.ContainsKey(np + ".maxWaiverPercent"))
            {
                Error(np + ".approvalAboveWaiverPercent", $"must not exceed maxWaiverPercent ({negotiation.MaxWaiverPercent})");
            }

            var complianceSection = Object(doc, "compliance", prefix);
            RejectUnknown(complianceSection, prefix + "compliance", "profile", "holidays", "unansweredDialsPerDay");
            var profile = ComplianceProfile.CN;
            var profileText = complianceSection["profile"] is JsonValue pv && pv.TryGetValue<string>(out var p) ? p : null;
            if (profileText is null || !Enum.TryParse(profileText, ignoreCase: false, out profile) || !Enum.IsDefined(profile))
            {
                Error(prefix + "compliance.profile", "must be CN or US");
            }

            var holidays = ReadHolidays(complianceSection["holidays"], prefix + "compliance.holidays");
            var unansweredDials = complianceSection.ContainsKey("unansweredDialsPerDay")
                ? Int(complianceSection, "unansweredDialsPerDay", prefix + "compliance", 1, 100) ?? 0
                : ContactPolicy.DefaultUnansweredDialsPerDay;
            var complaintsSection = Object(doc, "complaints", prefix);
            RejectUnknown(complaintsSection, prefix + "complaints", "responseDays");
            var complaints = new ComplaintPolicy(Int(complaintsSection, "responseDays", prefix + "complaints", 1, 365) ?? 0);
            var portalSection = Object(doc, "portal", prefix);
            RejectUnknown(portalSection, prefix + "portal", "linkDays");
            var portal = new PortalPolicy(Int(portalSection, "linkDays", prefix + "portal", 1, PortalPolicy.MaxLinkDays) ?? 0);
            if (errors.Count > before || name is null || stages is null)
            {
                return null;
            }

            var strategy = new Strategy(name, stages, buckets, contactPlan, placement, legal, negotiation,
                new CompliancePolicy(profile) { Holidays = holidays, UnansweredDialsPerDay = unansweredDials }, 0, null)
            {
                Complaints = complaints,
                Portal = portal,
            };
            if (!withSegments)
            {
                return strategy;
            }

            var productStages = ReadProducts(doc["products"], doc, prefix + "products");
            var segments = ReadSegments(doc["segments"], doc, prefix + "segments");
            return errors.Count > before ? null : strategy with { Segments = segments, ProductStages = productStages };
        }

        /// <summary><c>products.{product}.stages</c>: each product's thresholds, merged over the strategy's.</summary>
        private ImmutableDictionary<Product, StageThresholds> ReadProducts(JsonNode? node, JsonObject doc, string path)
        {
            if (node is null)
            {
                return ImmutableDictionary<Product, StageThresholds>.Empty;
            }

            if (node is not JsonObject products)
            {
                Error(path, "must be an object keyed by product (installment, card, cashloan)");
                return ImmutableDictionary<Product, StageThresholds>.Empty;
            }

            var result = ImmutableDictionary.CreateBuilder<Product, StageThresholds>();
            foreach (var (key, value) in products)
            {
                var itemPath = $"{path}.{key}";
                if (!Accounts.AccountRecordParser.TryParseProduct(key, out var product))
                {
                    Error(itemPath, "is not a product; use installment, card or cashloan");
                    continue;
                }

                if (value is not JsonObject section)
                {
                    Error(itemPath, "must be an object with stages");
                    continue;
                }

                RejectUnknown(section, itemPath, "stages");
                if (section["stages"] is not JsonObject productStages)
                {
                    Error(itemPath + ".stages", "must be an object of stage thresholds");
                    continue;
                }

                var merged = (JsonObject)doc["stages"]!.DeepClone();
                Merge(merged, (JsonObject)productStages.DeepClone());
                if (ReadStages(merged, itemPath + ".stages") is { } stages)
                {
                    result[product] = stages;
                }
            }

            return result.ToImmutable();
        }

        /// <summary>Each segment: a name, its <c>when</c>, and the sections it replaces, read as a strategy of their own.</summary>
        private ImmutableArray<Segment> ReadSegments(JsonNode? node, JsonObject doc, string path)
        {
            if (node is null)
            {
                return [];
            }

            if (node is not JsonArray array || array.Count > MaxSegments)
            {
                Error(path, $"must be an array of at most {MaxSegments} segments {{\"name\",\"when\",…sections}}");
                return [];
            }

            var segments = ImmutableArray.CreateBuilder<Segment>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < array.Count; i++)
            {
                var itemPath = $"{path}[{i}]";
                if (array[i] is not JsonObject item)
                {
                    Error(itemPath, "must be an object");
                    continue;
                }

                RejectUnknown(item, itemPath, ["name", "when", .. SegmentSections]);
                var name = item["name"] is JsonValue v && v.TryGetValue<string>(out var text) && text.Trim().Length is > 0 and <= 64 ? text.Trim() : null;
                if (name is null)
                {
                    Error(itemPath + ".name", "must be a non-empty string of at most 64 characters");
                }
                else if (!names.Add(name))
                {
                    Error(itemPath + ".name", $"'{name}' is used twice");
                }

                var when = ReadWhen(item["when"], itemPath + ".when");
                var sections = (JsonObject)doc.DeepClone();
                sections.Remove("segments");
                sections.Remove("products");
                sections.Remove("challenger");
                foreach (var section in SegmentSections)
                {
                    if (item[section] is { } replacement)
                    {
                        if (sections[section] is JsonObject target && replacement is JsonObject source)
                        {
                            Merge(target, (JsonObject)source.DeepClone());
                        }
                        else
                        {
                            sections[section] = replacement.DeepClone();
                        }
                    }
                }

                var rules = ReadStrategy(sections, itemPath + ".", withSegments: false);
                if (name is not null && when is not null && rules is not null)
                {
                    segments.Add(new Segment(name, when, rules, item["stages"] is not null));
                }
            }

            return segments.ToImmutable();
        }

        private SegmentWhen? ReadWhen(JsonNode? node, string path)
        {
            if (node is null)
            {
                return SegmentWhen.Always;
            }

            if (node is not JsonObject when)
            {
                Error(path, $"must be an object of {string.Join(", ", WhenFields)}");
                return null;
            }

            var before = errors.Count;
            RejectUnknown(when, path, WhenFields);
            int? OptionalInt(string field, int max) => when[field] is null ? null : Int(when, field, path, 0, max);
            decimal? OptionalMoney(string field) => when[field] is null ? null : Money(when, field, path);
            var result = new SegmentWhen(
                OptionalInt("minDpd", 3650),
                OptionalInt("maxDpd", 3650),
                OptionalMoney("minBalance"),
                OptionalMoney("maxBalance"),
                OptionalInt("minScore", 1000),
                OptionalInt("maxScore", 1000),
                ReadProductList(when["products"], path + ".products"));
            CheckOrder(result.MinDpd, result.MaxDpd, "Dpd");
            CheckOrder(result.MinBalance, result.MaxBalance, "Balance");
            CheckOrder(result.MinScore, result.MaxScore, "Score");
            return errors.Count > before ? null : result;

            void CheckOrder<T>(T? min, T? max, string what)
                where T : struct, IComparable<T>
            {
                if (min is { } low && max is { } high && low.CompareTo(high) > 0)
                {
                    Error($"{path}.max{what}", $"must be at least min{what} ({low}): no account could match");
                }
            }
        }

        private ImmutableArray<Product> ReadProductList(JsonNode? node, string path)
        {
            if (node is null)
            {
                return [];
            }

            var products = ImmutableArray.CreateBuilder<Product>();
            if (node is JsonArray array && array.Count > 0)
            {
                foreach (var item in array)
                {
                    if (item is JsonValue v && v.TryGetValue<string>(out var text) && Accounts.AccountRecordParser.TryParseProduct(text, out var product))
                    {
                        products.Add(product);
                        continue;
                    }

                    Error(path, "must be a non-empty array of installment, card, cashloan");
                    return [];
                }

                return products.ToImmutable();
            }

            Error(path, "must be a non-empty array of installment, card, cashloan");
            return [];
        }

        private StageThresholds? ReadStages(JsonObject section, string path)
        {
            RejectUnknown(section, path, Enum.GetNames<Stage>());
            var values = new Dictionary<Stage, int>();
            foreach (var stage in Enum.GetValues<Stage>())
            {
                if (Int(section, stage.ToString(), path, 1, 3650) is { } days)
                {
                    values[stage] = days;
                }
            }

            if (values.Count != Enum.GetValues<Stage>().Length)
            {
                return null;
            }

            var stages = Enum.GetValues<Stage>();
            for (var i = 1; i < stages.Length; i++)
            {
                if (values[stages[i]] <= values[stages[i - 1]])
                {
                    Error($"{path}.{stages[i]}", $"must be greater than {stages[i - 1]} ({values[stages[i - 1]]}): stage thresholds must increase");
                }
            }

            return new StageThresholds(values[Stage.Notice], values[Stage.Early], values[Stage.Mid], values[Stage.Legal], values[Stage.ChargedOff]);
        }

        private ImmutableArray<Bucket> ReadBuckets(JsonNode? node, string path)
        {
            if (node is not JsonArray array || array.Count == 0)
            {
                Error(path, "must be a non-empty array of {\"name\",\"fromDpd\"}");
                return [];
            }

            var buckets = ImmutableArray.CreateBuilder<Bucket>();
            for (var i = 0; i < array.Count; i++)
            {
                var itemPath = $"{path}[{i}]";
                if (array[i] is not JsonObject item)
                {
                    Error(itemPath, "must be an object");
                    continue;
                }

                RejectUnknown(item, itemPath, "name", "fromDpd");
                var name = item["name"] is JsonValue v && v.TryGetValue<string>(out var s) && s.Trim().Length is > 0 and <= 32 ? s.Trim() : null;
                if (name is null)
                {
                    Error(itemPath + ".name", "must be a non-empty string of at most 32 characters");
                }

                var from = Int(item, "fromDpd", itemPath, 1, 3650);
                if (name is not null && from is not null)
                {
                    if (buckets.Count > 0 && from <= buckets[^1].FromDpd)
                    {
                        Error(itemPath + ".fromDpd", $"must be greater than the previous bucket's ({buckets[^1].FromDpd}): buckets must increase");
                    }

                    if (buckets.Any(b => b.Name == name))
                    {
                        Error(itemPath + ".name", $"'{name}' is used twice");
                    }

                    buckets.Add(new Bucket(name, from.Value));
                }
            }

            return buckets.ToImmutable();
        }

        private ImmutableArray<ContactPlanStep> ReadContactPlan(JsonNode? node, string path)
        {
            if (node is not JsonArray array)
            {
                Error(path, "must be an array (empty for no planned contacts)");
                return [];
            }

            var steps = ImmutableArray.CreateBuilder<ContactPlanStep>();
            for (var i = 0; i < array.Count; i++)
            {
                var itemPath = $"{path}[{i}]";
                if (array[i] is not JsonObject item)
                {
                    Error(itemPath, "must be an object");
                    continue;
                }

                RejectUnknown(item, itemPath, "stage", "channel", "dayOffsets", "everyDays", "template", "portalLink");
                string? template = null;
                if (item["template"] is { } templateNode)
                {
                    template = templateNode is JsonValue tv && tv.TryGetValue<string>(out var t) && TemplatePattern().IsMatch(t) ? t : null;
                    if (template is null)
                    {
                        Error(itemPath + ".template", "must be 1–64 characters of A–Z a–z 0–9 . _ : - (the gateway's template id)");
                    }
                }

                var stage = EnumValue<Stage>(item, "stage", itemPath);
                var channel = EnumValue<ContactChannel>(item, "channel", itemPath);
                var hasOffsets = item["dayOffsets"] is not null;
                var hasEvery = item["everyDays"] is not null;
                if (hasOffsets == hasEvery)
                {
                    Error(itemPath, "give exactly one of dayOffsets or everyDays");
                    continue;
                }

                var offsets = ImmutableArray<int>.Empty;
                int? everyDays = null;
                if (hasOffsets)
                {
                    if (item["dayOffsets"] is JsonArray offsetArray && offsetArray.Count > 0 &&
                        offsetArray.All(o => o is JsonValue ov && ov.TryGetValue<int>(out var d) && d is >= 0 and <= 3650))
                    {
                        offsets = [.. offsetArray.Select(o => o!.GetValue<int>()).Order().Distinct()];
                    }
                    else
                    {
                        Error(itemPath + ".dayOffsets", "must be a non-empty array of whole days from 0 to 3650");
                    }
                }
                else
                {
                    everyDays = Int(item, "everyDays", itemPath, 1, 365);
                }

                var portalLink = item["portalLink"] is not null && Bool(item, "portalLink", itemPath);
                if (portalLink && channel is { } spoken && !ContactPlanStep.CarriesLinks(spoken))
                {
                    Error(itemPath + ".portalLink", $"a {spoken} has no text to carry a link to the debtor's page; put portalLink on an Sms, Email or Letter step");
                }

                if (stage is { } s && channel is { } c)
                {
                    steps.Add(new ContactPlanStep(s, c, offsets, everyDays, template, portalLink));
                }
            }

            return steps.ToImmutable();
        }

        /// <summary>The lender's holidays: absent or empty for none, else distinct <c>yyyy-MM-dd</c> dates.</summary>
        private ImmutableArray<DateOnly> ReadHolidays(JsonNode? node, string path)
        {
            if (node is null)
            {
                return [];
            }

            const int MaxHolidays = 1000;
            if (node is not JsonArray array || array.Count > MaxHolidays)
            {
                Error(path, $"must be an array of at most {MaxHolidays} dates (yyyy-MM-dd)");
                return [];
            }

            var dates = new SortedSet<DateOnly>();
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonValue v && v.TryGetValue<string>(out var text)
                    && DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
                {
                    dates.Add(date);
                }
                else
                {
                    Error($"{path}[{i}]", "must be a date (yyyy-MM-dd)");
                }
            }

            return [.. dates];
        }

        private bool Bool(JsonObject obj, string name, string path)
        {
            if (obj[name] is JsonValue v && v.TryGetValue<bool>(out var value))
            {
                return value;
            }

            Error(Join(path, name), "must be true or false");
            return true;
        }

        /// <summary>A non-empty array of distinct whole days, sorted.</summary>
        private ImmutableArray<int> Days(JsonObject obj, string name, string path, int min, int max)
        {
            if (obj[name] is JsonArray array && array.Count is > 0 and <= 10 &&
                array.All(o => o is JsonValue ov && ov.TryGetValue<int>(out var d) && d >= min && d <= max))
            {
                return [.. array.Select(o => o!.GetValue<int>()).Distinct().Order()];
            }

            Error(Join(path, name), $"must be an array of 1 to 10 whole days from {min} to {max}");
            return [];
        }

        private T? EnumValue<T>(JsonObject obj, string name, string path)
            where T : struct, Enum
        {
            if (obj[name] is JsonValue v && v.TryGetValue<string>(out var text) && Enum.TryParse<T>(text, ignoreCase: false, out var value) && Enum.IsDefined(value) && !int.TryParse(text, out _))
            {
                return value;
            }

            Error(Join(path, name), $"must be one of {string.Join(", ", Enum.GetNames<T>())}");
            return null;
        }

        private JsonObject Object(JsonObject doc, string name, string prefix)
        {
            if (doc[name] is JsonObject obj)
            {
                return obj;
            }

            Error(prefix + name, "must be an object");
            return [];
        }

        public int? Int(JsonObject obj, string name, string path, int min, int max)
        {
            if (obj[name] is JsonValue v && v.TryGetValue<decimal>(out var number) && number == decimal.Truncate(number) && number >= min && number <= max)
            {
                return (int)number;
            }

            Error(Join(path, name), $"must be a whole number from {min} to {max}");
            return null;
        }

        private decimal Percent(JsonObject obj, string name, string path)
        {
            if (obj[name] is JsonValue v && v.TryGetValue<decimal>(out var number) && number is >= 0 and <= 100)
            {
                return number;
            }

            Error(Join(path, name), "must be a number from 0 to 100");
            return 0;
        }

        private decimal Money(JsonObject obj, string name, string path)
        {
            if (obj[name] is JsonValue v && v.TryGetValue<decimal>(out var number) && number >= 0 && number <= Accounts.AccountRecordParser.MaxAmount)
            {
                return number;
            }

            Error(Join(path, name), "must be an amount of at least 0");
            return 0;
        }

        private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex TemplatePattern();
}
