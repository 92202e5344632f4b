public import BankGateCore

/// Bank of China's (中国银行) B2E 银企对接: XML in the `bocb2e` envelope (`head` + `trans`),
/// version 120 in UTF-8, posted over HTTP to the bank's `…/B2EP/XmlServlet`.
///
/// A pure codec: no I/O, no clock. BOC works in sessions: ``encodeSignIn(operatorPassword:customerTime:messageId:)``
/// (`b2e0001`) returns a token that every other request carries in `head/token`; a refusal that
/// means "not signed in" decodes as ``BOCPaymentAnswer/signInRequired(_:)``. What public sources
/// confirm and what is assumed is in `adapters/boc/README.md`; the code table is
/// `adapters/boc/codes.tsv`.
public struct BOCAdapter: Sendable {
    /// The encoding of every request: version 120 of the format is UTF-8 (version 100 is GB2312).
    public static let encoding = "UTF-8"
    /// The MIME type requests are posted with (`application/xml`, in commented-out integration code).
    public static let contentType = "application/xml"
    /// `version` and `locale` of the `bocb2e` root: version 120 with UTF-8, not 100 with GB2312.
    static let version = "120"
    static let locale = "zh_CN"
    /// Transfers per `b2e0009` message: one below `b2e0007`'s limit of 100 references, so the
    /// status of a whole message fits one query.
    public static let maxTransfersPerMessage = 99
    /// `b2e0007` takes fewer than 100 references per request.
    public static let maxStatusReferences = 99
    /// The most digits of an amount in minor units: `trnamt` is "15.2", read as 15 digits with
    /// 2 decimals (the stricter of its readings).
    public static let maxAmountDigits = 15
    /// The longest `token` BOC issues ("Base64 string of 0–64").
    public static let maxTokenLength = 64

    /// `termid`: the enterprise's front-end (企业前置机) id, e.g. `E127000000001`.
    public let terminalId: String
    /// `custid`: the enterprise's customer number in BOC's online banking (客户编号).
    public let customerId: String
    /// `cusopr`: the enterprise operator (企业操作员代码) the requests are made as.
    public let operatorId: String
    /// BOC's bank number (联行号, `fribkn`/`ibknum`, five digits) of each of our accounts, by
    /// account number: BOC identifies an account by this number and the account number.
    public let branchNumbers: [String: String]

    /// The table the bank's codes are read with: ``BOCCodes/builtIn`` unless the configuration
    /// gives a `codes_file` or `code_overrides` (see ``AdapterRegistry/make(bank:accounts:environment:)``).
    public var codes = BOCCodes.builtIn

    /// Creates the codec.
    /// - Parameters:
    ///   - terminalId: `termid`, the id of the enterprise's front-end.
    ///   - customerId: `custid`, the enterprise's BOC customer number.
    ///   - operatorId: `cusopr`, the operator the session signs in as.
    ///   - branchNumbers: BOC's 联行号 (`fribkn`, `ibknum`) of each debtor account, by account number.
    public init(terminalId: String, customerId: String, operatorId: String, branchNumbers: [String: String]) {
        self.terminalId = terminalId
        self.customerId = customerId
        self.operatorId = operatorId
        self.branchNumbers = branchNumbers
    }

    /// What `b2e0009` requires: the creditor bank's name (`tobknm`: integration code refuses a
    /// transfer without it). Purpose (`furinfo`, 0–80) and address (`toaddr`) are optional;
    /// priority is `priolv` (normal when not given); category purpose has no field. `furinfo`
    /// takes 80 bytes of UTF-8: 26 Chinese characters (the byte count is checked when encoding).
    public var paymentFieldRequirements: PaymentFieldRequirements {
        PaymentFieldRequirements(required: [.creditorBankName], notCarried: [.categoryPurpose], maxPurposeLength: 26)
    }

    /// The 联行号 of `account`.
    func branchNumber(_ account: DebtorAccount, location: String) throws(AdapterError) -> String {
        guard let number = branchNumbers[account.number] else {
            throw AdapterError("no BOC bank number (联行号, fribkn/ibknum) configured for account \(account.id)",
                               location: location)
        }
        return number
    }

    /// `YYYY-MM-DD` → `YYYYMMDD`, checking the date.
    static func bankDate(_ date: String, location: String) throws(AdapterError) -> String {
        guard Timestamp.parseDate(date) != nil else {
            throw AdapterError("not a YYYY-MM-DD date", location: location)
        }
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

    /// `<code>-<identifier>.xml`, with every character outside `A-Z a-z 0-9 . _ -` replaced by `_`.
    static func fileName(_ code: String, _ identifier: String) -> String {
        var name = code + "-"
        for scalar in identifier.unicodeScalars {
            let v = scalar.value
            let safe = (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
                || v == 0x2E || v == 0x5F || v == 0x2D
            name.unicodeScalars.append(safe ? scalar : "_")
        }
        return name + ".xml"
    }
}
