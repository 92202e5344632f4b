/// An ISO 4217 currency with the number of digits after its decimal separator (its exponent).
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    /// The three-letter alphabetic code, such as `EUR`.
    public let code: String
    /// Digits after the decimal separator: 2 for EUR, 0 for JPY, 3 for BHD.
    public let exponent: Int

    /// Looks up an active ISO 4217 code; `nil` when the code is not one.
    public init?(code: String) {
        guard let exponent = Currency.exponents[code] else { return nil }
        self.code = code
        self.exponent = exponent
    }

    public var description: String { code }

    /// Active ISO 4217 codes with their minor-unit exponents (list 1, 2024).
    static let exponents: [String: Int] = {
        var table: [String: Int] = [:]
        let twoDigit = """
            AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD \
            CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD \
            HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD \
            MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON \
            RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD \
            TZS UAH USD UYU UZS VES WST XCD YER ZAR ZMW ZWG
            """
        for code in twoDigit.split(separator: " ") { table[String(code)] = 2 }
        for code in ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"] {
            table[code] = 0
        }
        for code in ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"] { table[code] = 3 }
        table["CLF"] = 4
        table["UYW"] = 4
        return table
    }()
}
