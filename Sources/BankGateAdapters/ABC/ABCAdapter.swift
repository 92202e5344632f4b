public import BankGateCore

/// Agricultural Bank of China's (农业银行) 银企通平台: the Windows client the company runs,
/// spoken to over raw TCP with GBK XML (root `ap`, no XML declaration) behind a 7-byte header.
///
/// A pure codec: no I/O, no clock. Requests come back framed (``frame(_:)``), ready for the socket;
/// answers are read from the bytes the socket returned, header included (``unframe(_:)``). What is
/// confirmed by public sources and what is assumed is in `adapters/abc/README.md`; the code table
/// is `adapters/abc/codes.tsv`. Its engine glue is in `ABCAdapter+BankAdapter.swift`, `+AccountQueries` and `+PayrollAdapter`.
public struct ABCAdapter: Sendable {
    /// The encoding of every request, and the one answers are read in (as GB18030, its superset).
    public static let encoding = ChineseTextEncoding.gbk
    /// There is no MIME type on a raw TCP connection; the framed bytes are opaque to a transport.
    public static let contentType = "application/octet-stream"
    /// `CFRT01`, `CFRT02` and `CFRT21` carry one transfer each.
    public static let maxTransfersPerMessage = 1
    /// The most digits of an amount in minor units (assumed: no public source gives `Amt`'s size).
    public static let maxAmountDigits = 15
    /// The longest `ReqSeqNo` written (assumed: the longest value in the public sources is 25
    /// characters; ABC's own limit is not known, so longer references are refused, never cut).
    public static let maxReferenceLength = 25
    /// ABC's currency code of the renminbi (`DbCur`/`CrCur` `01`).
    static let renminbi = "01"

    /// `CorpNo`: the company's customer number at ABC (企业技监局号码/客户号).
    public let corporateNumber: String
    /// `OpNo`: the operator (企业操作员编号) the client is logged in as.
    public let operatorNumber: String
    /// `AuthNo`: the authentication code (认证码), empty in every public example.
    public let authorizationCode: String
    /// `Sign`: the digital signature field (数字签名), empty in every public example (the client
    /// signs with its USB key).
    public let signature: String
    /// ABC's two-digit province code (省市代码, `DbProv`/`CrProv`) of each of our accounts, by
    /// account number: ABC identifies an account by province and number. A transfer to one of these
    /// accounts is a transfer inside the group (`CFRT01`).
    public let provinceCodes: [String: String]
    /// The first byte of every request header.
    public let frameFlag: ABCFrameFlag

    /// The table the bank's codes are read with: ``ABCCodes/builtIn`` unless the configuration
    /// gives a `codes_file` or `code_overrides` (see ``AdapterRegistry/make(bank:accounts:environment:)``).
    public var codes = ABCCodes.builtIn
    /// Whether the configuration says how to reach the client's files (`file_transfer` or
    /// `file_directory`): a payroll's data file must be uploaded before its `CFRT03`.
    public var reachesClientFiles = true

    /// Creates the codec.
    /// - Parameters:
    ///   - corporateNumber: `CorpNo`, the customer number (客户号).
    ///   - operatorNumber: `OpNo`, the operator code (操作员代码).
    ///   - authorizationCode: `AuthNo` (认证码), usually empty.
    ///   - signature: `Sign` (数字签名), usually empty.
    ///   - provinceCodes: ABC province code (`DbProv`) of each of our accounts, by account number.
    ///   - frameFlag: the header's first character (see ``ABCFrameFlag``).
    public init(corporateNumber: String, operatorNumber: String, authorizationCode: String = "", signature: String = "",
                provinceCodes: [String: String], frameFlag: ABCFrameFlag = .one) {
        self.corporateNumber = corporateNumber
        self.operatorNumber = operatorNumber
        self.authorizationCode = authorizationCode
        self.signature = signature
        self.provinceCodes = provinceCodes
        self.frameFlag = frameFlag
    }

    /// What ABC's single-transfer codes require: whether the creditor banks with ABC (`OthBankFlag`
    /// chooses the route); for a CNAPS creditor the bank's name (`CrBankName`). The CNAPS bank code
    /// itself (`CrBankNo`) is checked when encoding. There is no field for category purpose or the
    /// creditor's address. `WhyUse` is assumed to take 30 bytes of GBK: 15 Chinese characters.
    public var paymentFieldRequirements: PaymentFieldRequirements {
        PaymentFieldRequirements(required: [.sameBank], requiredForCNAPSCreditor: [.creditorBankName],
                                 notCarried: [.categoryPurpose, .creditorAddress], maxPurposeLength: 15)
    }

    /// The province code of `account`, two digits.
    func provinceCode(_ account: DebtorAccount, location: String) throws(AdapterError) -> String {
        guard let code = provinceCodes[account.number] else {
            throw AdapterError("no ABC province code (DbProv) configured for account \(account.id)", location: location)
        }
        guard code.utf8.count == 2, code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw AdapterError("an ABC province code is two digits", location: location)
        }
        return code
    }

    /// ABC's currency code for `currency` (`01` for CNY): the only currency these codes are used for.
    static func currencyCode(_ currency: Currency, location: String) throws(AdapterError) -> String {
        guard currency.code == "CNY" else {
            throw AdapterError("ABC single transfers are in CNY only (DbCur 01)", location: location)
        }
        return renminbi
    }

    /// ABC's numeric currency codes (the ones public sources list), and ISO codes as some answers give them.
    static let currencies: [String: String] = [
        "01": "CNY", "12": "GBP", "13": "HKD", "14": "USD", "15": "CHF", "18": "SGD", "21": "SEK", "22": "DKK",
        "23": "NOK", "27": "JPY", "28": "CAD", "29": "AUD", "38": "EUR", "81": "MOP",
    ]

    /// The currency of an answer's `Cur`/`DbCur` (`01` or `CNY`).
    static func currency(fromCode code: String, location: String) throws(AdapterError) -> Currency {
        let iso = currencies[code] ?? code
        guard let currency = Currency(code: iso) else {
            throw AdapterError("unknown currency code \(code)", location: location)
        }
        return currency
    }

    /// Checks a reference written as `ReqSeqNo` or `CmeSeqNo`: 1 to ``maxReferenceLength`` ASCII
    /// letters and digits (assumed; the public examples use nothing else).
    static func checkReference(_ reference: String, location: String) throws(AdapterError) {
        guard !reference.isEmpty else { throw AdapterError("empty value", location: location) }
        guard reference.utf8.count <= maxReferenceLength else {
            throw AdapterError("\(reference.utf8.count) characters, over the limit of \(maxReferenceLength)",
                               location: location)
        }
        for byte in reference.utf8 {
            let alphanumeric = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            guard alphanumeric else { throw AdapterError("only ASCII letters and digits are allowed", location: location) }
        }
    }

    /// `ReqDate` (`YYYYMMDD`) and `ReqTime` (`HHMMSS`) of `instant` in China Standard Time (UTC+8,
    /// no daylight saving), the client's local time.
    static func chinaDateTime(_ instant: Timestamp) -> (date: String, time: String) {
        let local = instant.adding(milliseconds: 8 * 3_600_000).iso8601Seconds
        let scalars = Array(local.utf8)
        let date = scalars[0..<10].filter { $0 != UInt8(ascii: "-") }
        let time = scalars[11..<19].filter { $0 != UInt8(ascii: ":") }
        return (String(decoding: date, as: UTF8.self), String(decoding: time, as: UTF8.self))
    }

    /// `YYYY-MM-DD` → `YYYYMMDD`, checking the date.
    static func bankDate(_ date: String, location: String) throws(AdapterError) -> String {
        guard Timestamp.parseDate(date) != nil else { throw AdapterError("not a YYYY-MM-DD date", location: location) }
        return String(date.unicodeScalars.filter { $0 != "-" })
    }

    /// `YYYYMMDD` → `YYYY-MM-DD`, checking the date.
    static func isoDate(_ text: String, location: String) throws(AdapterError) -> String {
        let digits = Array(text.utf8)
        guard digits.count == 8, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw AdapterError("not a YYYYMMDD date", location: location)
        }
        let iso = String(decoding: digits[0..<4], as: UTF8.self) + "-" + String(decoding: digits[4..<6], as: UTF8.self)
            + "-" + String(decoding: digits[6..<8], as: UTF8.self)
        guard Timestamp.parseDate(iso) != nil else { throw AdapterError("not a real date", location: location) }
        return iso
    }

    /// The amount as `Amt` writes it (`12345.67`), after checking it.
    static func amountText(_ amount: Money, location: String) throws(AdapterError) -> String {
        _ = try currencyCode(amount.currency, location: location)
        guard amount.minorUnits > 0 else { throw AdapterError("amount must be positive", location: location) }
        guard String(amount.minorUnits).utf8.count <= maxAmountDigits else {
            throw AdapterError("amount has more than \(maxAmountDigits) digits", location: location)
        }
        return amount.decimalString
    }

    /// An archive name for a request: `<code>-<identifier>.dat`, every character outside
    /// `A-Z a-z 0-9 . _ -` replaced by `_`.
    static func fileName(_ code: String, _ identifier: String) -> String {
        var name = code + "-"
        for scalar in identifier.unicodeScalars {
            let v = scalar.value
            let safe = (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
                || v == 0x2E || v == 0x5F || v == 0x2D
            name.unicodeScalars.append(safe ? scalar : "_")
        }
        return name + ".dat"
    }
}
