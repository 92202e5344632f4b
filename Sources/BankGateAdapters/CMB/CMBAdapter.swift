public import BankGateCore

/// China Merchants Bank's (招商银行) 银企直联 through its front-end program (前置机, FBSDK): XML
/// "format 3" in GBK, in the `CMBSDKPGK` envelope, posted to the front-end's HTTP port.
///
/// A pure codec: no I/O, no clock. What is confirmed by public sources and what is assumed is in
/// `adapters/cmb/README.md`; the code table is `adapters/cmb/codes.tsv`. This is not (yet) a
/// ``BankAdapter``: the README says what the protocol lacks for CMB.
public struct CMBAdapter: Sendable {
    /// The encoding of every request and the one answers are declared in.
    public static let encoding = ChineseTextEncoding.gbk
    /// The MIME type requests are posted with (assumed: no public source names one).
    public static let contentType = "text/xml; charset=GBK"
    /// `DCPAYMNT` takes up to 30 transfers with a result per transfer (`NTQPAYRQZ`); above 30 (up
    /// to 1500) the answer has no per-transfer result, so bankgate sends at most 30.
    public static let maxTransfersPerMessage = 30
    /// The most digits of an amount in minor units (`HGHAMT` defaults to 9999999999999.99).
    public static let maxAmountDigits = 15
    /// `BUSCOD` of a direct payment (直接支付) and its default business mode.
    static let directPaymentBusinessCode = "N02031"
    static let directPaymentBusinessMode = "00001"

    /// `LGNNAM`: the front-end's login name, sent in every request.
    public let loginName: String
    /// CMB's two-digit branch code (分行号, `DBTBBK`/`BBKNBR`) of each of our accounts, by account
    /// number: CMB identifies an account by branch and number, and the branch is not part of the
    /// configured bank code.
    public let branchCodes: [String: String]

    /// The table the bank's codes are read with: ``CMBCodes/builtIn`` unless the configuration
    /// gives a `codes_file` or `code_overrides` (see ``AdapterRegistry/make(bank:accounts:environment:)``).
    public var codes = CMBCodes.builtIn

    /// Creates the codec.
    /// - Parameters:
    ///   - loginName: `LGNNAM`, the user the front-end program is logged in as.
    ///   - branchCodes: CMB branch code (`BBKNBR`) of each debtor account, by account number.
    public init(loginName: String, branchCodes: [String: String]) {
        self.loginName = loginName
        self.branchCodes = branchCodes
    }

    /// What CMB's payment format requires: a purpose (`NUSAGE` is mandatory) and the same-bank
    /// flag (`BNKFLG` is mandatory); category purpose has no field. For another bank (`BNKFLG=N`)
    /// the creditor's bank name and address are required too, which ``encodePayment(_:)`` checks:
    /// the requirements cannot be made conditional on `same_bank`. `NUSAGE` is `Z(62)`, 62 bytes
    /// of GBK: 31 Chinese characters, the limit given in characters (the byte count is checked
    /// when encoding).
    public var paymentFieldRequirements: PaymentFieldRequirements {
        PaymentFieldRequirements(required: [.purpose, .sameBank], notCarried: [.categoryPurpose], maxPurposeLength: 31)
    }

    /// The branch code of `account`.
    func branchCode(_ account: DebtorAccount, location: String) throws(AdapterError) -> String {
        guard let code = branchCodes[account.number] else {
            throw AdapterError("no CMB branch code (BBKNBR) configured for account \(account.id)", location: location)
        }
        return code
    }

    /// `YYYY-MM-DD` → `YYYYMMDD` (CMB's `D` type), checking the date.
    static func bankDate(_ date: String, location: String) throws(AdapterError) -> String {
        guard Timestamp.parseDate(date) != nil else {
            throw AdapterError("not a YYYY-MM-DD date", location: location)
        }
        return date.replacingDashes()
    }

    /// `<function>-<identifier>.<suffix>`, every character of the identifier outside `A-Z a-z 0-9 . _ -`
    /// replaced by `_` (the cloud API's requests are `.json`).
    static func fileName(_ function: String, _ identifier: String, suffix: String = "xml") -> String {
        var name = function + "-"
        for scalar in identifier.unicodeScalars {
            let v = scalar.value
            let safe = (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
                || v == 0x2E || v == 0x5F || v == 0x2D
            name.unicodeScalars.append(safe ? scalar : "_")
        }
        return name + "." + suffix
    }
}

extension String {
    /// The string without `-`: `2026-11-23` → `20261123`.
    func replacingDashes() -> String { String(unicodeScalars.filter { $0 != "-" }) }
}
