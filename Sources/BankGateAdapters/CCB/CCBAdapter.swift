public import BankGateCore

/// China Construction Bank's (建设银行) 企业银行 外联平台 through its locally installed client
/// (外联客户端): XML in the `TX` envelope, declared `GB2312`, sent over raw TCP or as the HTTP
/// form field `requestXml`; answers read as GB18030.
///
/// A pure codec: no I/O, no clock. What is confirmed by public sources and what is assumed is in
/// `adapters/ccb/README.md`; the code table is `adapters/ccb/codes.tsv`. This is not (yet) a
/// ``BankAdapter``: the README says what the protocol needs that the contract lacks.
///
/// **The operator password is in every request**: the format has `TX/PASSWORD` in each message's
/// header. The codec never puts it in an error, a file name or its own description, but the
/// bytes of an ``EncodedMessage`` carry it: see ``redactingPassword(_:)`` before archiving them.
public struct CCBAdapter: Sendable {
    /// The encoding requests are written in and declared as.
    public static let encoding = ChineseTextEncoding.gb2312
    /// The encoding answers are read in (a superset of GB2312 and GBK, whatever they declare).
    public static let answerEncoding = ChineseTextEncoding.gb18030
    /// The MIME type of an ``EncodedMessage``'s bytes: the XML itself, as written to the raw TCP
    /// socket. An HTTP transport posts ``envelope(_:)`` with ``formContentType`` instead.
    public static let contentType = "text/xml; charset=GB2312"
    /// The MIME type of the HTTP form ``envelope(_:)``.
    public static let formContentType = "application/x-www-form-urlencoded"
    /// `6W8010`/`6W8060` carry one transfer each: bankgate sends one transfer per message.
    public static let maxTransfersPerMessage = 1
    /// `AMOUNT` is `Decimal(16,2)`: at most 16 digits, two of them decimals.
    public static let maxAmountDigits = 16
    /// `REQUEST_SN` is `varChar(16)`, digits only.
    public static let maxRequestNumberLength = 16

    /// `CUST_ID`: the company's 网银客户号 (e.g. `SZP717856009#002`), at most 21 characters.
    public let customerId: String
    /// `USER_ID`: the 外联 operator (操作员号, e.g. `WLPT01`), at most 6 characters.
    public let operatorId: String
    /// `PASSWORD`: the operator's password, at most 32 printable ASCII characters. Never printed.
    let password: String
    /// `CHK_RECVNAME` of same-bank transfers: whether CCB checks the creditor's name against the
    /// account (`1`) and refuses a mismatch (`0130Z0100005` 户名不符), or not (`0`).
    public let checksCreditorName: Bool
    /// Whether the client is reached over its raw TCP port (`transport = "tcp"`): the document is
    /// written as it is and the answer read until the client closes, instead of the HTTP form.
    public var overRawSocket = false
    /// The company's 代发代扣 agreement for payroll (`6W1303`): `BILL_CODE`, `USEOF_CODE` and whether
    /// each line waits for approval in online banking (`FLOW_FLAG`); `nil` when none is configured,
    /// and CCB then takes no payroll.
    public var payrollAgreement: CCBPayrollAgreement?

    /// The table the bank's codes are read with: ``CCBCodes/builtIn`` unless the configuration
    /// gives a `codes_file` or `code_overrides` (see ``AdapterRegistry/make(bank:accounts:environment:)``).
    public var codes = CCBCodes.builtIn

    /// Creates the codec.
    /// - Parameters:
    ///   - customerId: `CUST_ID`, the company's customer number at CCB.
    ///   - operatorId: `USER_ID`, the operator the client acts as.
    ///   - password: `PASSWORD`, that operator's password (checked when a request is written).
    ///   - checksCreditorName: `CHK_RECVNAME` for same-bank transfers; checking is the default.
    public init(customerId: String, operatorId: String, password: String, checksCreditorName: Bool = true) {
        self.customerId = customerId
        self.operatorId = operatorId
        self.password = password
        self.checksCreditorName = checksCreditorName
    }

    /// What CCB's transfer format requires: a purpose (`USEOF` is mandatory, `Char(38)`: 19
    /// Chinese characters; bytes are checked when encoding) and whether the creditor banks with CCB
    /// (it chooses `6W8010` or `6W8060`); for a creditor at another bank (a CNAPS code) the bank's
    /// name (`RECV_OPENACC_DEPT`). Priority, category purpose and the creditor's address have no
    /// field and are refused rather than dropped.
    public var paymentFieldRequirements: PaymentFieldRequirements {
        PaymentFieldRequirements(required: [.purpose, .sameBank], requiredForCNAPSCreditor: [.creditorBankName],
                                 notCarried: [.priority, .categoryPurpose, .creditorAddress], maxPurposeLength: 19)
    }

    /// Checks a `REQUEST_SN`/`REQUEST_SN1`: 1 to 16 ASCII digits.
    static func checkRequestNumber(_ number: String, location: String) throws(AdapterError) {
        try encoding.checkField(number, type: .digits, maxBytes: maxRequestNumberLength, location: location)
    }

    /// Checks the password without saying anything about it but the rule it breaks.
    static func checkPassword(_ password: String) throws(AdapterError) {
        let bytes = Array(password.utf8)
        guard !bytes.isEmpty, bytes.count <= 32, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw AdapterError("the operator password must be 1 to 32 printable ASCII characters", location: "TX/PASSWORD")
        }
    }

    /// `YYYY-MM-DD` → `YYYYMMDD`, checking the date.
    static func bankDate(_ date: String, location: String) throws(AdapterError) -> String {
        guard Timestamp.parseDate(date) != nil else {
            throw AdapterError("not a YYYY-MM-DD date", location: location)
        }
        return String(date.unicodeScalars.filter { $0 != "-" })
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

extension CCBAdapter: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The settings without the password.
    public var description: String {
        "CCBAdapter(customerId: \(customerId), operatorId: \(operatorId), password: <redacted>, checksCreditorName: \(checksCreditorName))"
    }

    public var debugDescription: String { description }

    /// What `dump` and the debugger show: the settings, the password redacted.
    public var customMirror: Mirror {
        Mirror(self, children: ["customerId": customerId, "operatorId": operatorId, "password": "<redacted>",
                                "checksCreditorName": checksCreditorName])
    }
}

/// A company's 代发代扣 agreement at CCB, as `6W1303` names it.
public struct CCBPayrollAgreement: Hashable, Sendable {
    /// `BILL_CODE`: the agreement's number (代发代扣编号, as online banking shows it), at most 20 characters.
    public var billCode: String
    /// `USEOF_CODE`: the agreement's purpose code (e.g. `00000001` 工资), at most 12 characters.
    public var purposeCode: String
    /// `FLOW_FLAG` `1`: each line waits for approval in online banking; `0`: paid at once.
    public var requiresApproval: Bool

    public init(billCode: String, purposeCode: String, requiresApproval: Bool = false) {
        self.billCode = billCode
        self.purposeCode = purposeCode
        self.requiresApproval = requiresApproval
    }
}
