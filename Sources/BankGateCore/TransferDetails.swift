/// How urgently the debtor's bank should execute a transfer (加急/普通).
public enum PaymentPriority: String, Hashable, Sendable, CaseIterable, Codable {
    case normal, urgent
}

/// Who pays the charges of a transfer: ISO 20022 `ChargeBearerType1Code`.
public enum ChargeBearer: String, Hashable, Sendable, CaseIterable, Codable {
    /// Following the service level (SEPA: each party pays its own bank).
    case serviceLevel = "SLEV"
    /// Shared: the debtor pays its bank's charges, the creditor the rest.
    case shared = "SHAR"
    /// Borne by the debtor.
    case debtor = "DEBT"
    /// Borne by the creditor.
    case creditor = "CRED"

    /// The charge bearer of a payment that names none: `SLEV` for a SEPA-like payment (EUR to an
    /// IBAN), `SHAR` for everything else (domestic CNAPS, cross-border).
    public static func `default`(currency: Currency, creditorAccount: String) -> ChargeBearer {
        currency.code == "EUR" && IBAN.looksLikeIBAN(creditorAccount) ? .serviceLevel : .shared
    }
}

/// The creditor's postal address: structured parts and up to two free lines, as ISO 20022's
/// `PstlAdr` (`StrtNm`, `PstCd`, `TwnNm`, `Ctry`, `AdrLine`) and Chinese formats' one address
/// text (CMB `CRTADR`, BOC `toaddr`) can both carry it.
public struct PostalAddress: Hashable, Sendable, Codable {
    /// Street and building (`StrtNm`, Max70Text).
    public var street: String?
    /// Town (`TwnNm`, Max35Text).
    public var town: String?
    /// Postal code (`PstCd`, Max16Text).
    public var postalCode: String?
    /// ISO 3166 alpha-2 country code (`Ctry`).
    public var country: String
    /// Up to two unstructured lines (`AdrLine`, Max70Text each).
    public var lines: [String]

    public init(street: String? = nil, town: String? = nil, postalCode: String? = nil, country: String, lines: [String] = []) {
        self.street = street
        self.town = town
        self.postalCode = postalCode
        self.country = country
        self.lines = lines
    }
}

/// What a transfer carries besides amount and parties, in bank-neutral form: each adapter maps
/// what its format can carry (see ``PaymentFieldRequirements``).
public struct TransferDetails: Hashable, Sendable {
    /// Free-text purpose (用途: CMB `NUSAGE`, ICBC `UseCN`, CCB `USEOF`, BOC `furinfo`).
    public var purpose: String?
    /// `nil` when the client did not say (banks treat it as normal).
    public var priority: PaymentPriority?
    /// ISO 20022 `ExternalCategoryPurpose1Code` (`SALA`, `SUPP`, `TREA`…).
    public var categoryPurpose: String?
    /// Set at intake for every payment (the request's, or ``ChargeBearer/default(currency:creditorAccount:)``);
    /// `nil` only for payments accepted before it was stored, which are sent as `SLEV` as before.
    public var chargeBearer: ChargeBearer?
    /// Whether the creditor's account is at the debtor's bank (CMB `BNKFLG`, ICBC `SysIOFlg`):
    /// the client's answer, else derived from the bank codes when they tell, else `nil`.
    public var sameBank: Bool?

    public init(purpose: String? = nil, priority: PaymentPriority? = nil, categoryPurpose: String? = nil,
                chargeBearer: ChargeBearer? = nil, sameBank: Bool? = nil) {
        self.purpose = purpose
        self.priority = priority
        self.categoryPurpose = categoryPurpose
        self.chargeBearer = chargeBearer
        self.sameBank = sameBank
    }
}

/// The optional payment fields a bank's format may require or be unable to carry, named as the
/// API names them.
public enum PaymentField: String, Hashable, Sendable, CaseIterable {
    case purpose
    case priority
    case categoryPurpose = "category_purpose"
    case chargeBearer = "charge_bearer"
    case sameBank = "same_bank"
    case creditorBankName = "creditor.bank_name"
    case creditorBankBranch = "creditor.bank_branch"
    case creditorAddress = "creditor.address"
}

/// What a bank adapter asks of the optional payment fields, checked at intake before anything is
/// queued, so that a payment its bank would refuse is refused with the field named.
public struct PaymentFieldRequirements: Hashable, Sendable {
    /// Fields every payment must carry.
    public var required: Set<PaymentField>
    /// Fields a payment must carry when its creditor's bank code is a CNAPS code (a Chinese
    /// domestic payment through CNAPS needs, for one, the receiving bank's name).
    public var requiredForCNAPSCreditor: Set<PaymentField>
    /// Fields the format cannot carry: refused when given rather than silently dropped.
    public var notCarried: Set<PaymentField>
    /// The longest purpose text the format carries, in characters; `nil`: the API's limit.
    public var maxPurposeLength: Int?

    public init(required: Set<PaymentField> = [], requiredForCNAPSCreditor: Set<PaymentField> = [],
                notCarried: Set<PaymentField> = [], maxPurposeLength: Int? = nil) {
        self.required = required
        self.requiredForCNAPSCreditor = requiredForCNAPSCreditor
        self.notCarried = notCarried
        self.maxPurposeLength = maxPurposeLength
    }

    /// Nothing required, everything carried.
    public static let none = PaymentFieldRequirements()

    /// Why a payment does not meet the requirements.
    public enum Problem: Hashable, Sendable {
        case missing(PaymentField)
        case notCarried(PaymentField)
        case purposeTooLong(max: Int)
    }

    /// The first problem of a payment that carries `given` (in ``PaymentField/allCases`` order),
    /// or `nil` when its bank can take it.
    public func problem(given: Set<PaymentField>, creditorBankCode: String?, purpose: String?) -> Problem? {
        problem(carries: { given.contains($0) }, creditorBankCode: creditorBankCode, purpose: purpose)
    }

    /// The same, asking `carries` about each field (no set is built: this runs for every payment
    /// taken in).
    public func problem(carries: (PaymentField) -> Bool, creditorBankCode: String?, purpose: String?) -> Problem? {
        let cnaps = !requiredForCNAPSCreditor.isEmpty && (creditorBankCode.map(CNAPS.isValid) ?? false)
        if !required.isEmpty || cnaps || !notCarried.isEmpty {
            for field in PaymentField.allCases {
                let needed = required.contains(field) || (cnaps && requiredForCNAPSCreditor.contains(field))
                if needed && !carries(field) { return .missing(field) }
                if notCarried.contains(field) && carries(field) { return .notCarried(field) }
            }
        }
        if let maxPurposeLength, let purpose, purpose.unicodeScalars.count > maxPurposeLength {
            return .purposeTooLong(max: maxPurposeLength)
        }
        return nil
    }
}

/// Whether two bank codes name the same bank, as far as the codes alone tell.
public enum SameBank {
    /// `true` or `false` when the codes tell, `nil` when they cannot: BICs of the same institution
    /// and country (first six characters) are the same bank, of different institutions (first
    /// four) different banks; CNAPS codes with different bank category codes (first three digits)
    /// are different banks, with the same one the same bank only for categories that are one bank
    /// (ICBC 102, ABC 103, BOC 104, CCB 105, the policy banks 2xx, the national joint-stock banks
    /// 301–312, 315, 316, 318, 319, PSBC 403) — city and rural commercial banks, rural
    /// cooperatives and village banks share their category codes. A BIC against a CNAPS code: `nil`.
    public static func derive(debtorBankCode: String, creditorBankCode: String?) -> Bool? {
        guard let creditor = creditorBankCode?.uppercased() else { return nil }
        let debtor = debtorBankCode.uppercased()
        if BIC.isValid(debtor) && BIC.isValid(creditor) {
            if debtor.utf8.prefix(6).elementsEqual(creditor.utf8.prefix(6)) { return true }
            if !debtor.utf8.prefix(4).elementsEqual(creditor.utf8.prefix(4)) { return false }
            return nil
        }
        if CNAPS.isValid(debtor) && CNAPS.isValid(creditor) {
            let category = String(debtor.prefix(3))
            guard category == String(creditor.prefix(3)) else { return false }
            return singleBankCategories.contains(category) ? true : nil
        }
        return nil
    }

    /// CNAPS bank category codes (行别代码) that each belong to one bank.
    static let singleBankCategories: Set<String> = [
        "102", "103", "104", "105", "201", "202", "203", "301", "302", "303", "304", "305", "306", "307", "308",
        "309", "310", "311", "312", "315", "316", "318", "319", "403",
    ]
}

/// ISO 3166-1 alpha-2 country codes.
public enum CountryCode {
    /// Whether `text` is an assigned ISO 3166-1 alpha-2 code (upper case), plus `XK` (Kosovo),
    /// which banks use.
    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == 2 && codes.contains(text)
    }

    static let codes: Set<String> = Set("""
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO \
        FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE \
        JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO \
        MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW \
        PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM \
        TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW
        """.split(separator: " ").map(String.init))
}
