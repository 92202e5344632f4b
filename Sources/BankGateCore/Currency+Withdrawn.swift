extension Currency {
    /// Looks up a withdrawn ISO 4217 code that old statements still carry (list 3), such as `DEM`.
    ///
    /// German banks close Deutsche Mark accounts with statements in `DEM` to this day. The amounts are
    /// read as written, in the withdrawn currency: never converted to the euro. `nil` for a code that
    /// is active (use ``init(code:)``) or unknown.
    public init?(withdrawnCode code: String) {
        guard let exponent = Currency.withdrawnExponents[code] else { return nil }
        self.code = code
        self.exponent = exponent
    }

    /// Whether the code is withdrawn from ISO 4217 list 1 (``init(withdrawnCode:)``).
    public var isWithdrawn: Bool { Currency.withdrawnExponents[code] != nil }

    /// Euro-area and other European predecessor currencies, each with two decimals.
    static let withdrawnExponents: [String: Int] = {
        var table: [String: Int] = [:]
        for code in ["ATS", "CYP", "DEM", "EEK", "FIM", "FRF", "HRK", "IEP", "LTL", "LVL", "MTL", "NLG", "SIT", "SKK"] {
            table[code] = 2
        }
        return table
    }()
}
