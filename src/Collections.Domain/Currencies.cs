namespace Collections.Domain;

/// <summary>
/// ISO 4217 currency codes and their minor units. .NET has no API for minor units (cultures disagree
/// with ISO for several currencies), so the active list is kept here.
/// </summary>
public static class Currencies
{
    private const string ZeroDecimals =
        "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";

    private const string ThreeDecimals = "BHD IQD JOD KWD LYD OMR TND";

    private const string FourDecimals = "CLF UYW";

    private const string TwoDecimals =
        "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD " +
        "CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP " +
        "GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD " +
        "LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB " +
        "PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC " +
        "SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST XCD YER ZAR ZMW ZWG";

    private static readonly Dictionary<string, int> MinorUnitsByCode = Build();

    /// <summary>Minor-unit decimals of an ISO 4217 code, or null when the code is not an active currency.</summary>
    public static int? MinorUnits(string code) =>
        MinorUnitsByCode.TryGetValue(code, out var digits) ? digits : null;

    /// <summary>True when <paramref name="amount"/> has no more decimals than the currency allows.</summary>
    public static bool FitsMinorUnits(decimal amount, int minorUnits) =>
        decimal.Round(amount, minorUnits) == amount;

    private static Dictionary<string, int> Build()
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(string codes, int digits)
        {
            foreach (var code in codes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                map[code] = digits;
            }
        }

        Add(TwoDecimals, 2);
        Add(ZeroDecimals, 0);
        Add(ThreeDecimals, 3);
        Add(FourDecimals, 4);
        return map;
    }
}
