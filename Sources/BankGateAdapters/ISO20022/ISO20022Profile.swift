public import BankGateCore

/// A bank's usage of ISO 20022 (`profile = "hsbc"` or `"bochk"` beside `adapter = "iso20022"`):
/// the pain.001 version it takes and the rules it adds to the schema, checked at intake and again
/// when encoding. What each rule rests on is in `adapters/iso20022/PROFILES.md`.
public struct ISO20022Profile: Hashable, Sendable {
    /// The profile's name as configured.
    public var name: String
    /// The pain.001 version written when `pain001_version` is not configured.
    public var defaultPainVersion: ISO20022Adapter.PainVersion
    /// Text of a cross-border payment must stay within the SWIFT `x` character set.
    public var swiftCharactersForCrossBorder: Bool
    /// Corridors (debtor country → creditor country) where local-language text is allowed although
    /// the payment crosses a border (HSBC: Hong Kong → mainland China and Taiwan).
    public var localLanguageCorridors: Set<Corridor>
    /// A cross-border payment's creditor needs at least a town and a country (hybrid or structured
    /// address: HSBC from November 2026).
    public var creditorTownAndCountryForCrossBorder: Bool
    /// The bank takes signed files only: `signature` defaults to `xmldsig`. No profile says so yet
    /// (not confirmed for HSBC or BOCHK, see PROFILES.md); `signature = "xmldsig"` turns it on.
    public var signedFiles: Bool = false

    /// From one country to another (ISO 3166 alpha-2).
    public struct Corridor: Hashable, Sendable {
        public var from: String
        public var to: String

        public init(_ from: String, _ to: String) {
            self.from = from
            self.to = to
        }
    }

    /// Plain ISO 20022: the schema's rules only.
    public static let standard = ISO20022Profile(name: "standard", defaultPainVersion: .v09, swiftCharactersForCrossBorder: false,
                                                 localLanguageCorridors: [], creditorTownAndCountryForCrossBorder: false)
    /// HSBC (HSBCnet, HSBC Connect): pain.001.001.03 guidelines; SWIFT characters cross-border
    /// except Hong Kong → mainland China and Taiwan; town and country of a cross-border creditor.
    public static let hsbc = ISO20022Profile(name: "hsbc", defaultPainVersion: .v03, swiftCharactersForCrossBorder: true,
                                             localLanguageCorridors: [Corridor("HK", "CN"), Corridor("HK", "TW")],
                                             creditorTownAndCountryForCrossBorder: true)
    /// Bank of China (Hong Kong): pain.001.001.03 and SWIFT characters cross-border assumed like
    /// HSBC's (no BOCHK field-level specification was found), Chinese allowed Hong Kong → mainland.
    public static let bochk = ISO20022Profile(name: "bochk", defaultPainVersion: .v03, swiftCharactersForCrossBorder: true,
                                              localLanguageCorridors: [Corridor("HK", "CN")],
                                              creditorTownAndCountryForCrossBorder: false)

    /// The profiles by name.
    public static let all: [String: ISO20022Profile] = ["standard": .standard, "hsbc": .hsbc, "bochk": .bochk]

    /// The SWIFT `x` character set: `a-z A-Z 0-9 / - ? : ( ) . , ' +` and space.
    public static func isSWIFTCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x61...0x7A, 0x41...0x5A, 0x30...0x39: true
        case 0x2F, 0x2D, 0x3F, 0x3A, 0x28, 0x29, 0x2E, 0x2C, 0x27, 0x2B, 0x20: true
        default: false
        }
    }

    /// What this profile does not allow in `transfer` from `debtor`, by API field.
    public func problem(_ transfer: CreditTransfer, debtor: DebtorAccount) -> TransferFieldProblem? {
        guard swiftCharactersForCrossBorder || creditorTownAndCountryForCrossBorder else { return nil }
        let from = Self.country(ofAccount: debtor.number, bankCode: debtor.bankCode)
        let to = Self.country(ofAccount: transfer.creditor.account, bankCode: transfer.creditor.bankCode)
            ?? transfer.creditor.address?.country
        // A creditor whose country cannot be told is treated as abroad: the stricter rules apply.
        guard from == nil || to == nil || from != to else { return nil }
        if creditorTownAndCountryForCrossBorder, transfer.creditor.address?.town?.isEmpty ?? true {
            return TransferFieldProblem(field: "creditor.address.town",
                                        message: "the \(name) profile needs the creditor's town and country for a cross-border payment")
        }
        if swiftCharactersForCrossBorder, !(from.flatMap { f in to.map { localLanguageCorridors.contains(Corridor(f, $0)) } } ?? false) {
            var texts: [(String, String?)] = [("creditor.name", transfer.creditor.name), ("remittance_info", transfer.remittanceInfo),
                                              ("purpose", transfer.details.purpose), ("creditor.bank_name", transfer.creditor.bankName),
                                              ("creditor.bank_branch", transfer.creditor.bankBranch)]
            if let address = transfer.creditor.address {
                texts += [("creditor.address.street", address.street), ("creditor.address.town", address.town),
                          ("creditor.address.postal_code", address.postalCode)]
                texts += address.lines.map { ("creditor.address.lines", $0) }
            }
            for (field, text) in texts {
                guard let text, let bad = text.unicodeScalars.first(where: { !Self.isSWIFTCharacter($0) }) else { continue }
                let code = "U+" + String(bad.value, radix: 16, uppercase: true)
                return TransferFieldProblem(field: field, message: "\(field) contains \(code), outside the SWIFT character set that the \(name) profile requires for a cross-border payment (\(from ?? "?") → \(to ?? "?"))")
            }
        }
        return nil
    }

    /// The country of an account: an IBAN's first two letters, a BIC's fifth and sixth, `CN` for a
    /// CNAPS code; `nil` when neither tells.
    static func country(ofAccount account: String, bankCode: String?) -> String? {
        if IBAN.looksLikeIBAN(account) { return String(account.prefix(2)) }
        guard let code = bankCode else { return nil }
        if CNAPS.isValid(code) { return "CN" }
        if BIC.isValid(code) { return String(Array(code)[4...5]) }
        return nil
    }
}
