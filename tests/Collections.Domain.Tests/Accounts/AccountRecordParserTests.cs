using Collections.Domain.Accounts;
using Collections.Domain.Tests.Support;

namespace Collections.Domain.Tests.Accounts;

public class AccountRecordParserTests
{
    private const string AccountRefRule = "must be 1–64 characters of A–Z a–z 0–9 . _ : -";

    [Fact]
    public void A_complete_record_parses_into_an_account_record_with_every_field()
    {
        var result = Records.Account("CARD-2026:001.a_b")
            .With("product", "card")
            .Installment(300.00m)
            .PastDue(600.00m)
            .With("region", "Shanghai")
            .With("score", "640")
            .Parse();

        Assert.True(result.IsValid, result.ErrorText);
        Assert.Empty(result.Errors);
        var record = result.Record!;
        Assert.Equal("CARD-2026:001.a_b", record.AccountRef);
        Assert.Equal(Product.Card, record.Product);
        Assert.Equal("CNY", record.Currency);
        Assert.Equal(new Balance(1000.00m, 20.00m, 0m, 5.00m), record.Balance);
        Assert.Equal(new DateOnly(2026, 1, 5), record.DueDate);
        Assert.Equal(300.00m, record.InstallmentAmount);
        Assert.Equal(600.00m, record.PastDueAmount);
        Assert.Equal(new Debtor("Li Lei", "+8613800138000", "li.lei@example.com", "Asia/Shanghai", "Shanghai"), record.Debtor);
        Assert.Equal(640, record.Score);
    }

    [Fact]
    public void Optional_fields_left_out_take_their_defaults()
    {
        var record = Records.Account()
            .Without("product").Without("interest").Without("fees").Without("penalty")
            .Without("phone").Without("email")
            .Build();

        Assert.Equal(Product.Installment, record.Product);
        Assert.Equal(new Balance(1000.00m, 0, 0, 0), record.Balance);
        Assert.Null(record.InstallmentAmount);
        Assert.Null(record.PastDueAmount);
        Assert.Null(record.Debtor.Phone);
        Assert.Null(record.Debtor.Email);
        Assert.Null(record.Debtor.Region);
        Assert.Null(record.Score);
    }

    [Fact]
    public void Empty_and_blank_fields_count_as_absent()
    {
        var result = Records.Account().With("product", "").With("email", "   ").With("accountRef", " ").Parse();

        var error = Assert.Single(result.Errors);
        Assert.Equal(new FieldError("accountRef", "is required"), error);
    }

    [Fact]
    public void Values_are_trimmed_of_surrounding_spaces()
    {
        var record = Records.Account().With("accountRef", "  A-7 ").With("currency", " USD ").With("principal", " 12.50 ").Build();

        Assert.Equal("A-7", record.AccountRef);
        Assert.Equal("USD", record.Currency);
        Assert.Equal(12.50m, record.Balance.Principal);
    }

    [Theory]
    [InlineData("installment", Product.Installment)]
    [InlineData("card", Product.Card)]
    [InlineData("cashloan", Product.CashLoan)]
    [InlineData("Card", Product.Card)]
    [InlineData("CASHLOAN", Product.CashLoan)]
    public void A_product_is_recognised_whatever_its_case(string text, Product expected)
    {
        Assert.Equal(expected, Records.Account().With("product", text).Build().Product);
    }

    [Fact]
    public void Without_a_timezone_the_lenders_default_applies_and_without_one_UTC()
    {
        var withLenderDefault = Records.Account().Without("timezone").Parse("America/New_York");
        var withoutLenderDefault = Records.Account().Without("timezone").Parse();
        var ownZoneWins = Records.Account().InTimeZone("Europe/Berlin").Parse("America/New_York");

        Assert.Equal("America/New_York", withLenderDefault.Record!.Debtor.TimeZone);
        Assert.Equal("UTC", withoutLenderDefault.Record!.Debtor.TimeZone);
        Assert.Equal("Europe/Berlin", ownZoneWins.Record!.Debtor.TimeZone);
    }

    [Theory]
    [InlineData("accountRef", "is required")]
    [InlineData("currency", "is required (an ISO 4217 code such as CNY or USD)")]
    [InlineData("principal", "is required")]
    [InlineData("dueDate", "is required (the oldest unpaid due date, yyyy-MM-dd)")]
    [InlineData("borrowerName", "is required")]
    public void A_missing_required_field_is_named_with_what_to_send(string field, string message)
    {
        var result = Records.Account().Without(field).Parse();

        Assert.False(result.IsValid);
        Assert.Null(result.Record);
        Assert.Equal(new FieldError(field, message), Assert.Single(result.Errors));
    }

    [Theory]
    [InlineData("9999-12-31")]
    [InlineData("2200-01-01")]
    [InlineData("1899-12-31")]
    [InlineData("0001-01-01")]
    public void A_due_date_outside_the_accepted_range_is_rejected_with_the_range(string dueDate)
    {
        var result = Records.Account().With("dueDate", dueDate).Parse();

        Assert.False(result.IsValid);
        Assert.Equal(new FieldError("dueDate", $"{dueDate} is out of range: a due date must be between 1900-01-01 and 2199-12-31"), Assert.Single(result.Errors));
    }

    [Theory]
    [InlineData("1900-01-01")]
    [InlineData("2199-12-31")]
    public void A_due_date_on_either_bound_is_accepted(string dueDate)
    {
        var result = Records.Account().With("dueDate", dueDate).Parse();

        Assert.True(result.IsValid);
        Assert.Equal(DateOnly.Parse(dueDate, System.Globalization.CultureInfo.InvariantCulture), result.Record!.DueDate);
    }

    [Theory]
    [InlineData("loan")]
    [InlineData("mortgage")]
    [InlineData("cash loan")]
    public void An_unknown_product_is_rejected_with_the_products_there_are(string product)
    {
        var result = Records.Account().With("product", product).Parse();

        Assert.Equal(new FieldError("product", $"'{product}' is not a product; use installment, card or cashloan"), Assert.Single(result.Errors));
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("RMB")]
    [InlineData("US$")]
    public void A_currency_that_is_not_an_ISO_4217_code_is_rejected(string currency)
    {
        var result = Records.Account().Currency(currency).Parse();

        Assert.Equal(new FieldError("currency", $"'{currency}' is not an ISO 4217 currency code (e.g. CNY, USD, EUR)"), Assert.Single(result.Errors));
    }

    [Theory]
    [InlineData("principal")]
    [InlineData("interest")]
    [InlineData("fees")]
    [InlineData("penalty")]
    [InlineData("installmentAmount")]
    [InlineData("pastDueAmount")]
    public void A_negative_amount_is_rejected_in_every_money_field(string field)
    {
        var result = Records.Account().With(field, "-1.00").Parse();

        Assert.Equal(new FieldError(field, "must not be negative"), Assert.Single(result.Errors));
    }

    [Theory]
    [InlineData("JPY", "150000.5", 0)]
    [InlineData("JPY", "150000.01", 0)]
    [InlineData("CNY", "1000.001", 2)]
    [InlineData("USD", "0.125", 2)]
    [InlineData("KWD", "1000.0001", 3)]
    public void An_amount_with_more_decimals_than_the_currencys_minor_unit_is_rejected(string currency, string principal, int minorUnits)
    {
        var result = Records.Account().Currency(currency).With("principal", principal).Parse();

        Assert.Equal(
            new FieldError("principal", $"has more than {minorUnits} decimals, the minor unit of {currency}"),
            Assert.Single(result.Errors));
    }

    [Theory]
    [InlineData("JPY", "150000")]
    [InlineData("JPY", "150000.00")]
    [InlineData("CNY", "1000.01")]
    [InlineData("CNY", "1000.1")]
    [InlineData("KWD", "1000.125")]
    public void An_amount_within_the_currencys_minor_unit_is_accepted(string currency, string principal)
    {
        var result = Records.Account().Currency(currency).With("principal", principal).Parse();

        Assert.True(result.IsValid, result.ErrorText);
        Assert.Equal(decimal.Parse(principal, System.Globalization.CultureInfo.InvariantCulture), result.Record!.Balance.Principal);
    }

    [Theory]
    [InlineData("1,000.00")]
    [InlineData("12abc")]
    [InlineData("1e5")]
    [InlineData("¥100")]
    public void An_amount_that_is_not_a_plain_number_is_rejected_with_an_example(string principal)
    {
        var result = Records.Account().With("principal", principal).Parse();

        Assert.Equal(new FieldError("principal", $"'{principal}' is not a number; write it like 1234.56"), Assert.Single(result.Errors));
    }

    [Fact]
    public void An_amount_above_the_maximum_is_rejected_as_a_data_error()
    {
        var result = Records.Account().With("principal", "1000000000000.01").Parse();

        Assert.Equal(new FieldError("principal", "must be at most 1000000000000"), Assert.Single(result.Errors));
    }

    [Fact]
    public void A_zero_principal_is_rejected_when_nothing_else_is_owed_either()
    {
        var result = Records.Account().Owing(0m).Parse();

        Assert.Equal(new FieldError("principal", "must be greater than 0 unless interest, fees or penalty are"), Assert.Single(result.Errors));
    }

    [Fact]
    public void A_zero_principal_is_accepted_when_fees_are_owed()
    {
        var record = Records.Account().Owing(0m, fees: 35.00m).Build();

        Assert.Equal(new Balance(0, 0, 35.00m, 0), record.Balance);
    }

    [Fact]
    public void An_installment_amount_of_zero_is_rejected()
    {
        var result = Records.Account().Installment(0m).Parse();

        Assert.Equal(new FieldError("installmentAmount", "must be greater than 0 when given"), Assert.Single(result.Errors));
    }

    [Theory]
    [InlineData("2025-02-30")]
    [InlineData("2025-02-29")]
    [InlineData("2025-04-31")]
    [InlineData("2025-13-01")]
    [InlineData("2026-1-5")]
    [InlineData("2026/01/05")]
    [InlineData("05-01-2026")]
    [InlineData("2026-01-05T00:00:00")]
    public void An_impossible_or_misformatted_due_date_is_rejected(string dueDate)
    {
        var result = Records.Account().With("dueDate", dueDate).Parse();

        Assert.Equal(new FieldError("dueDate", $"'{dueDate}' is not a date in yyyy-MM-dd form"), Assert.Single(result.Errors));
    }

    [Fact]
    public void A_leap_day_is_a_valid_due_date()
    {
        Assert.Equal(new DateOnly(2024, 2, 29), Records.Account().With("dueDate", "2024-02-29").Build().DueDate);
    }

    [Theory]
    [InlineData("A 1")]
    [InlineData("A/1")]
    [InlineData("A#1")]
    [InlineData("A,1")]
    [InlineData("A'1;--")]
    [InlineData("账户1")]
    [InlineData("A\t1")]
    public void An_account_ref_with_a_forbidden_character_is_rejected(string accountRef)
    {
        var result = Records.Account(accountRef).Parse();

        Assert.Equal(new FieldError("accountRef", AccountRefRule), Assert.Single(result.Errors));
    }

    [Fact]
    public void An_account_ref_longer_than_64_characters_is_rejected_and_64_are_accepted()
    {
        var tooLong = Records.Account(new string('A', 65)).Parse();
        var longest = Records.Account(new string('A', 64)).Parse();

        Assert.Equal(new FieldError("accountRef", AccountRefRule), Assert.Single(tooLong.Errors));
        Assert.True(longest.IsValid, longest.ErrorText);
    }

    [Theory]
    [InlineData("A-1\n")]
    [InlineData("A-1\r\n")]
    [InlineData("")]
    public void An_account_ref_with_a_line_break_or_nothing_is_not_a_valid_ref(string accountRef)
    {
        Assert.False(AccountRecordParser.IsValidAccountRef(accountRef));
    }

    [Theory]
    [InlineData("13800138000")]
    [InlineData("+0138001380")]
    [InlineData("+86 138 0013 8000")]
    [InlineData("+86-138-0013-8000")]
    [InlineData("+123456")]
    [InlineData("+1234567890123456")]
    [InlineData("tel:+8613800138000")]
    public void A_phone_number_not_in_E164_form_is_rejected(string phone)
    {
        var result = Records.Account().With("phone", phone).Parse();

        Assert.Equal(new FieldError("phone", "must be in E.164 form, e.g. +8613800138000"), Assert.Single(result.Errors));
    }

    [Theory]
    [InlineData("+1234567")]
    [InlineData("+12125550123")]
    [InlineData("+123456789012345")]
    public void A_phone_number_in_E164_form_is_accepted(string phone)
    {
        Assert.Equal(phone, Records.Account().With("phone", phone).Build().Debtor.Phone);
    }

    [Theory]
    [InlineData("li.lei")]
    [InlineData("li.lei@")]
    [InlineData("@example.com")]
    [InlineData("Li Lei <li.lei@example.com>")]
    public void An_email_that_is_not_a_bare_address_is_rejected(string email)
    {
        var result = Records.Account().With("email", email).Parse();

        Assert.Equal(new FieldError("email", "is not an email address"), Assert.Single(result.Errors));
    }

    [Fact]
    public void An_email_longer_than_254_characters_is_rejected()
    {
        var result = Records.Account().With("email", new string('a', 64) + "@" + string.Concat(Enumerable.Repeat(new string('b', 60) + ".", 3)) + "example.com").Parse();

        Assert.Equal(new FieldError("email", "is not an email address"), Assert.Single(result.Errors));
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Asia/Shangai")]
    [InlineData("Beijing")]
    public void An_unknown_time_zone_is_rejected_with_IANA_examples(string timeZone)
    {
        var result = Records.Account().InTimeZone(timeZone).Parse();

        Assert.Equal(
            new FieldError("timezone", $"'{timeZone}' is not an IANA time zone (e.g. Asia/Shanghai, America/New_York)"),
            Assert.Single(result.Errors));
    }

    [Fact]
    public void An_unknown_lender_default_time_zone_is_reported_against_the_timezone_field()
    {
        var result = Records.Account().Without("timezone").Parse("Nowhere/Atlantis");

        Assert.Equal("timezone", Assert.Single(result.Errors).Field);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1001")]
    [InlineData("12.5")]
    [InlineData("+5")]
    [InlineData("high")]
    public void A_score_outside_0_to_1000_or_not_whole_is_rejected(string score)
    {
        var result = Records.Account().With("score", score).Parse();

        Assert.Equal(new FieldError("score", "must be a whole number from 0 to 1000"), Assert.Single(result.Errors));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1000", 1000)]
    [InlineData("640", 640)]
    public void A_score_from_0_to_1000_is_accepted(string score, int expected)
    {
        Assert.Equal(expected, Records.Account().With("score", score).Build().Score);
    }

    [Fact]
    public void An_unknown_field_is_rejected_with_the_list_of_fields()
    {
        var result = Records.Account().With("colour", "red").Parse();

        Assert.Equal(
            new FieldError("colour", "unknown field; the fields are " + string.Join(", ", AccountRecordParser.Fields)),
            Assert.Single(result.Errors));
    }

    [Fact]
    public void A_misspelt_field_is_reported_both_as_unknown_and_as_the_missing_field()
    {
        var result = Records.Account().Without("accountRef").With("acountRef", "A-1").Parse();

        Assert.Equal(["accountRef", "acountRef"], result.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("AccountRef")]
    [InlineData("account_ref")]
    public void Field_names_are_case_sensitive(string spelling)
    {
        var result = Records.Account().Without("accountRef").With(spelling, "A-1").Parse();

        Assert.Equal(new[] { spelling, "accountRef" }.Order(StringComparer.Ordinal), result.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_borrower_name_over_200_characters_and_a_region_over_64_are_rejected()
    {
        var result = Records.Account().With("borrowerName", new string('n', 201)).With("region", new string('r', 65)).Parse();

        Assert.Equal(
            [new FieldError("borrowerName", "must be at most 200 characters"), new FieldError("region", "must be at most 64 characters")],
            result.Errors.AsEnumerable());
    }

    [Fact]
    public void Every_problem_in_a_record_is_reported_at_once()
    {
        var result = Records.Account("A 1")
            .With("product", "loan")
            .Currency("XYZ")
            .With("principal", "-5")
            .With("dueDate", "2025-02-30")
            .Without("borrowerName")
            .With("phone", "13800138000")
            .With("email", "li.lei@")
            .InTimeZone("Mars/Olympus_Mons")
            .With("score", "1001")
            .With("colour", "red")
            .Parse();

        Assert.False(result.IsValid);
        Assert.Equal(
            ["accountRef", "borrowerName", "colour", "currency", "dueDate", "email", "phone", "principal", "product", "score", "timezone"],
            result.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
        foreach (var error in result.Errors)
        {
            Assert.Contains($"{error.Field}: {error.Message}", result.ErrorText);
        }
    }

    [Fact]
    public void Every_bad_amount_is_reported_at_once_against_the_currencys_minor_unit()
    {
        var result = Records.Account().Currency("JPY")
            .With("principal", "100000.5")
            .With("fees", "-300")
            .With("penalty", "abc")
            .With("installmentAmount", "5000.25")
            .Parse();

        Assert.Equal(
            [
                new FieldError("principal", "has more than 0 decimals, the minor unit of JPY"),
                new FieldError("fees", "must not be negative"),
                new FieldError("penalty", "'abc' is not a number; write it like 1234.56"),
                new FieldError("installmentAmount", "has more than 0 decimals, the minor unit of JPY"),
            ],
            result.Errors.AsEnumerable());
    }

    [Fact]
    public void The_error_text_joins_every_problem_for_an_import_summary()
    {
        var result = Records.Account().Without("accountRef").Without("currency").Parse();

        Assert.Equal("accountRef: is required; currency: is required (an ISO 4217 code such as CNY or USD)", result.ErrorText);
    }
}
