public import BankGateCore

/// Industrial and Commercial Bank of China's (工商银行) 银企互联 through the enterprise's NetSafe
/// Client (NC): XML in GBK in the `CMS/eb` envelope, carried as the form field `reqData` of a post to
/// the NC's encryption port, which passes it to ICBC over HTTPS with the enterprise certificate.
///
/// A pure codec: no I/O, no clock (every time it writes is passed in), no global state. What is
/// confirmed by public sources and what is assumed is in `adapters/icbc/README.md`; the code table
/// is `adapters/icbc/codes.tsv`. Like CMB's codec this is not (yet) a ``BankAdapter``.
///
/// Identifiers: our message id is the package id (`fSeqno`, also the form's `PackageID`), which
/// ICBC checks for duplicates (`B0012`); each transfer's `instructionId` goes in its record's `Ref`
/// (业务编号), which answers and account statements carry back. Amounts are integers in fen.
public struct ICBCAdapter: Sendable {
    /// The encoding of every request and the one answers are declared in.
    public static let encoding = ChineseTextEncoding.gbk
    /// The MIME type the NetSafe Client is posted with: the form of ``envelope(_:sendTime:signature:)``.
    public static let contentType = "application/x-www-form-urlencoded; charset=GBK"
    /// The MIME type of the `reqData` document itself (what ``EncodedMessage`` holds and the archive keeps).
    public static let documentContentType = "application/xml; charset=GBK"
    /// Transfers in one `PAYENT` package (assumed: no public source states ICBC's limit).
    public static let maxTransfersPerMessage = 30
    /// The most digits of an amount in fen (assumed; `MaxAmt` examples use 11).
    public static let maxAmountDigits = 15
    /// `BankCode`: ICBC's own bank code (102), in the form and in `pub`.
    public static let bankCode = "102"
    /// `CurrType` of the renminbi.
    static let renminbi = "001"

    /// `CIS` (集团 CIS 号, the form's `GroupCIS`): the enterprise group's customer number at ICBC.
    public let groupCIS: String
    /// `ID` (the form's `ID` and the URL's `userID`): the id of the certificate the NC signs and
    /// sends with, e.g. `company.y.1102`.
    public let certificateId: String
    /// The form's `Version` (`0.0.1.0`; older NC releases take `0.0.0.1`).
    public let version: String
    /// The form's `Language`.
    public let language: String

    /// The table the bank's codes are read with: ``ICBCCodes/builtIn`` unless the configuration
    /// gives a `codes_file` or `code_overrides` (see ``AdapterRegistry/make(bank:accounts:environment:)``).
    public var codes = ICBCCodes.builtIn

    /// Creates the codec.
    /// - Parameters:
    ///   - groupCIS: `CIS`, the group's customer number at ICBC.
    ///   - certificateId: `ID`, the certificate id the NetSafe Client is set up with.
    ///   - version: the interface version sent in the form.
    ///   - language: the form's `Language`.
    public init(groupCIS: String, certificateId: String, version: String = "0.0.1.0", language: String = "zh_CN") {
        self.groupCIS = groupCIS
        self.certificateId = certificateId
        self.version = version
        self.language = language
    }

    /// What ICBC's payment format requires: a purpose (`UseCN`, 用途, which integration code always
    /// fills) and the same-bank flag (`SysIOFlg`); category purpose has no field. For another bank
    /// (`SysIOFlg=2`) the creditor's bank name and city are required too, which
    /// ``encodePayment(_:)`` checks. `UseCN` is taken as 20 bytes of GBK: 10 Chinese characters.
    public var paymentFieldRequirements: PaymentFieldRequirements {
        PaymentFieldRequirements(required: [.purpose, .sameBank], notCarried: [.categoryPurpose], maxPurposeLength: 10)
    }

    /// `YYYY-MM-DD` → `YYYYMMDD`, checking the date.
    static func bankDate(_ date: String, location: String) throws(AdapterError) -> String {
        guard Timestamp.parseDate(date) != nil else {
            throw AdapterError("not a YYYY-MM-DD date", location: location)
        }
        return String(date.unicodeScalars.filter { $0 != "-" })
    }

    /// China Standard Time (UTC+8, no daylight saving) of `instant` as ICBC writes it:
    /// `TranDate` `yyyyMMdd`, `TranTime` `HHmmssSSS`.
    static func chinaTime(_ instant: Timestamp) -> (date: String, time: String) {
        let iso = Array(instant.adding(milliseconds: 8 * 3_600_000).iso8601.utf8)  // 2026-11-23T13:28:18.123Z
        let digits = iso.filter { $0 >= 0x30 && $0 <= 0x39 }                    // 20261123132818123
        return (String(decoding: digits[0..<8], as: UTF8.self), String(decoding: digits[8..<17], as: UTF8.self))
    }

    /// `<transCode>-<identifier>.xml`, with every character outside `A-Z a-z 0-9 . _ -` replaced by `_`.
    static func fileName(_ transCode: String, _ identifier: String) -> String {
        var name = transCode + "-"
        for scalar in identifier.unicodeScalars {
            let v = scalar.value
            let safe = (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
                || v == 0x2E || v == 0x5F || v == 0x2D
            name.unicodeScalars.append(safe ? scalar : "_")
        }
        return name + ".xml"
    }
}
