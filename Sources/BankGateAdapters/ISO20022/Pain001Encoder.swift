import BankGateCore
import BankGateXML

/// Writes one pain.001 (`CstmrCdtTrfInitn`) message: one group header, one payment information block,
/// one `CdtTrfTxInf` per transfer, elements in schema order.
///
/// Input is checked as it is written, so that what comes out is valid against the version's XSD;
/// errors name the element at fault and never contain account numbers.
struct Pain001Encoder {
    private let version: ISO20022Adapter.PainVersion
    private var writer: XMLWriter

    init(version: ISO20022Adapter.PainVersion, transferCount: Int) {
        self.version = version
        writer = XMLWriter(capacity: 1024 + transferCount * 700, indentation: 2)
    }

    /// The finished document, ending with a newline.
    mutating func finish() -> [UInt8] {
        writer.raw("\n")
        return writer.bytes
    }

    mutating func encode(_ message: PaymentMessage, maxTransfers: Int) throws(AdapterError) {
        let transfers = message.transfers
        guard !transfers.isEmpty else { throw AdapterError("a payment message needs at least one transfer") }
        guard transfers.count <= maxTransfers else {
            throw AdapterError("\(transfers.count) transfers in one message, over the limit of \(maxTransfers)")
        }
        try Self.checkIdentifier(message.messageId, "GrpHdr/MsgId")
        try Self.checkIdentifier(message.paymentInfoId, "PmtInf/PmtInfId")
        try Self.checkText(message.initiatingPartyName, max: 140, "GrpHdr/InitgPty/Nm")
        try Self.checkText(message.debtor.name, max: 140, "PmtInf/Dbtr/Nm")
        guard Timestamp.parseDate(message.requestedExecutionDate) != nil else {
            throw AdapterError("requested execution date is not a YYYY-MM-DD date", location: "PmtInf/ReqdExctnDt")
        }
        let debtorAgent = try BankCode(message.debtor.bankCode, version: version, location: "PmtInf/DbtrAgt")
        let currency = message.debtor.currency
        let controlSum = try Self.controlSum(transfers, currency: currency)
        let numberOfTransactions = String(transfers.count)
        let paymentType = try Self.paymentType(transfers)

        writer.declaration()
        writer.open("Document", attributes: ["xmlns": version.namespace])
        writer.open("CstmrCdtTrfInitn")
        writer.open("GrpHdr")
        writer.element("MsgId", message.messageId)
        writer.element("CreDtTm", message.createdAt.iso8601Seconds)
        writer.element("NbOfTxs", numberOfTransactions)
        writer.element("CtrlSum", controlSum)
        writer.open("InitgPty")
        writer.element("Nm", message.initiatingPartyName)
        writer.close("InitgPty")
        writer.close("GrpHdr")

        writer.open("PmtInf")
        writer.element("PmtInfId", message.paymentInfoId)
        writer.element("PmtMtd", "TRF")
        writer.element("BtchBookg", transfers.count > 1 ? "true" : "false")
        writer.element("NbOfTxs", numberOfTransactions)
        writer.element("CtrlSum", controlSum)
        if paymentType.priority != nil || paymentType.categoryPurpose != nil {
            writer.open("PmtTpInf")
            if let priority = paymentType.priority { writer.element("InstrPrty", priority == .urgent ? "HIGH" : "NORM") }
            if let categoryPurpose = paymentType.categoryPurpose {
                writer.open("CtgyPurp")
                writer.element("Cd", categoryPurpose)
                writer.close("CtgyPurp")
            }
            writer.close("PmtTpInf")
        }
        switch version {
        case .v09:
            writer.open("ReqdExctnDt")
            writer.element("Dt", message.requestedExecutionDate)
            writer.close("ReqdExctnDt")
        case .v03:
            writer.element("ReqdExctnDt", message.requestedExecutionDate)
        }
        writer.open("Dbtr")
        writer.element("Nm", message.debtor.name)
        writer.close("Dbtr")
        try account("DbtrAcct", message.debtor.number, location: "PmtInf/DbtrAcct")
        agent("DbtrAgt", debtorAgent)
        // Payments accepted before the charge bearer was stored have none: they go as they always did.
        writer.element("ChrgBr", (paymentType.chargeBearer ?? .serviceLevel).rawValue)
        for index in transfers.indices {
            try self.transfer(transfers[index], currency: currency, location: "CdtTrfTxInf[\(index + 1)]")
        }
        writer.close("PmtInf")
        writer.close("CstmrCdtTrfInitn")
        writer.close("Document")
    }

    private mutating func transfer(_ transfer: CreditTransfer, currency: Currency,
                                   location: @autoclosure () -> String) throws(AdapterError) {
        try Self.checkIdentifier(transfer.instructionId, location() + "/PmtId/InstrId")
        try Self.checkIdentifier(transfer.endToEndId, location() + "/PmtId/EndToEndId")
        try Self.checkText(transfer.creditor.name, max: 140, location() + "/Cdtr/Nm")
        if let remittance = transfer.remittanceInfo {
            try Self.checkText(remittance, max: 140, location() + "/RmtInf/Ustrd")
        }
        let creditor = transfer.creditor
        if let bankName = creditor.bankName { try Self.checkText(bankName, max: 140, location() + "/CdtrAgt/FinInstnId/Nm") }
        if let branch = creditor.bankBranch { try Self.checkText(branch, max: 140, location() + "/CdtrAgt/BrnchId/Nm") }
        if let address = creditor.address { try Self.checkAddress(address, location() + "/Cdtr/PstlAdr") }
        if let purpose = transfer.details.purpose {
            try Self.checkText(purpose, max: ISO20022Adapter.maxPurposeLength, location() + "/Purp/Prtry")
        }
        guard transfer.amount.currency == currency else {
            throw AdapterError("transfer in \(transfer.amount.currency.code) from a \(currency.code) account",
                               location: location() + "/Amt")
        }
        guard transfer.amount.minorUnits > 0, transfer.amount.minorUnits < Self.maxAmount else {
            throw AdapterError("amount must be positive and below 10^18 minor units", location: location() + "/Amt")
        }
        let creditorAgent = try transfer.creditor.bankCode.map { (code) throws(AdapterError) in
            try BankCode(code, version: version, location: location() + "/CdtrAgt")
        }

        writer.open("CdtTrfTxInf")
        writer.open("PmtId")
        writer.element("InstrId", transfer.instructionId)
        writer.element("EndToEndId", transfer.endToEndId)
        writer.close("PmtId")
        writer.open("Amt")
        writer.element("InstdAmt", transfer.amount.decimalString, attributes: ["Ccy": currency.code])
        writer.close("Amt")
        if creditorAgent != nil || creditor.bankName != nil || creditor.bankBranch != nil {
            agent("CdtrAgt", creditorAgent, name: creditor.bankName, branch: creditor.bankBranch)
        }
        writer.open("Cdtr")
        writer.element("Nm", creditor.name)
        if let address = creditor.address { postalAddress(address) }
        writer.close("Cdtr")
        try account("CdtrAcct", creditor.account, location: location() + "/CdtrAcct")
        if let purpose = transfer.details.purpose {
            writer.open("Purp")
            writer.element("Prtry", purpose)
            writer.close("Purp")
        }
        if let remittance = transfer.remittanceInfo {
            writer.open("RmtInf")
            writer.element("Ustrd", remittance)
            writer.close("RmtInf")
        }
        writer.close("CdtTrfTxInf")
    }

    /// `<DbtrAcct><Id><IBAN>…` for an IBAN, `<Id><Othr><Id>…` for a domestic account number.
    private mutating func account(_ element: String, _ number: String, location: @autoclosure () -> String) throws(AdapterError) {
        let isIBAN = IBAN.looksLikeIBAN(number)
        if isIBAN {
            guard IBAN.isValid(number) else { throw AdapterError("IBAN fails its format or check digits", location: location()) }
        } else {
            try Self.checkText(number, max: 34, location())
        }
        writer.open(element)
        writer.open("Id")
        if isIBAN {
            writer.element("IBAN", number)
        } else {
            writer.open("Othr")
            writer.element("Id", number)
            writer.close("Othr")
        }
        writer.close("Id")
        writer.close(element)
    }

    /// `<DbtrAgt><FinInstnId>` with a BIC, or a CNAPS code as a clearing system member id, then the
    /// bank's name (`FinInstnId/Nm`) and its branch's (`BrnchId/Nm`), in both versions' schema order.
    private mutating func agent(_ element: String, _ code: BankCode?, name: String? = nil, branch: String? = nil) {
        writer.open(element)
        writer.open("FinInstnId")
        switch code {
        case .bic(let bic):
            writer.element(version == .v09 ? "BICFI" : "BIC", bic)
        case .cnaps(let member):
            writer.open("ClrSysMmbId")
            writer.open("ClrSysId")
            writer.element("Cd", BankCode.cnapsClearingSystemCode)
            writer.close("ClrSysId")
            writer.element("MmbId", member)
            writer.close("ClrSysMmbId")
        case nil:
            break
        }
        if let name { writer.element("Nm", name) }
        writer.close("FinInstnId")
        if let branch {
            writer.open("BrnchId")
            writer.element("Nm", branch)
            writer.close("BrnchId")
        }
        writer.close(element)
    }

    /// `<PstlAdr>`: `StrtNm`, `PstCd`, `TwnNm`, `Ctry`, `AdrLine`… — the same order in
    /// `PostalAddress6` (.03) and `PostalAddress24` (.09).
    private mutating func postalAddress(_ address: PostalAddress) {
        writer.open("PstlAdr")
        if let street = address.street { writer.element("StrtNm", street) }
        if let postalCode = address.postalCode { writer.element("PstCd", postalCode) }
        if let town = address.town { writer.element("TwnNm", town) }
        writer.element("Ctry", address.country)
        for line in address.lines { writer.element("AdrLine", line) }
        writer.close("PstlAdr")
    }

    /// What the one `PmtInf` says for all its transfers: they must agree (intake groups them so).
    struct PaymentType {
        var chargeBearer: ChargeBearer?
        var priority: PaymentPriority?
        var categoryPurpose: String?
    }

    static func paymentType(_ transfers: [CreditTransfer]) throws(AdapterError) -> PaymentType {
        let first = transfers[0].details
        for index in transfers.indices.dropFirst() {
            let details = transfers[index].details
            guard details.chargeBearer == first.chargeBearer, details.priority == first.priority,
                  details.categoryPurpose == first.categoryPurpose else {
                throw AdapterError("the transfers of one message must share charge bearer, priority and category purpose",
                                   location: "CdtTrfTxInf[\(index + 1)]")
            }
        }
        if let code = first.categoryPurpose {
            guard (1...4).contains(code.utf8.count), code.utf8.allSatisfy({ (65...90).contains($0) || (48...57).contains($0) }) else {
                throw AdapterError("category purpose must be 1 to 4 letters or digits", location: "PmtInf/PmtTpInf/CtgyPurp/Cd")
            }
        }
        return PaymentType(chargeBearer: first.chargeBearer, priority: first.priority, categoryPurpose: first.categoryPurpose)
    }

    /// The address parts within their elements' limits, the country two capital letters.
    static func checkAddress(_ address: PostalAddress, _ location: @autoclosure () -> String) throws(AdapterError) {
        if let street = address.street { try checkText(street, max: 70, location() + "/StrtNm") }
        if let postalCode = address.postalCode { try checkText(postalCode, max: 16, location() + "/PstCd") }
        if let town = address.town { try checkText(town, max: 35, location() + "/TwnNm") }
        guard address.country.utf8.count == 2, address.country.utf8.allSatisfy({ (65...90).contains($0) }) else {
            throw AdapterError("country must be an ISO 3166 alpha-2 code", location: location() + "/Ctry")
        }
        guard address.lines.count <= 7 else { throw AdapterError("at most 7 address lines", location: location() + "/AdrLine") }
        for line in address.lines { try checkText(line, max: 70, location() + "/AdrLine") }
    }

    /// Amounts must stay within the schema's 18 total digits.
    static let maxAmount: Int64 = 1_000_000_000_000_000_000

    /// The sum of the transfers as a decimal string in the currency's exponent; refuses overflow.
    static func controlSum(_ transfers: [CreditTransfer], currency: Currency) throws(AdapterError) -> String {
        var sum: Int64 = 0
        for transfer in transfers {
            let (next, overflow) = sum.addingReportingOverflow(transfer.amount.minorUnits)
            guard !overflow, next < maxAmount else {
                throw AdapterError("control sum exceeds 18 digits", location: "GrpHdr/CtrlSum")
            }
            sum = next
        }
        return Money(minorUnits: sum, currency: currency).decimalString
    }

    static func checkIdentifier(_ value: String, _ location: @autoclosure () -> String) throws(AdapterError) {
        if let problem = ISOText.identifierProblem(in: value) {
            throw AdapterError("identifier \(problem)", location: location())
        }
    }

    static func checkText(_ value: String, max: Int, _ location: @autoclosure () -> String) throws(AdapterError) {
        if let problem = ISOText.problem(in: value, maxLength: max) {
            throw AdapterError("text \(problem)", location: location())
        }
    }
}
