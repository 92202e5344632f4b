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
        writer.element("ChrgBr", "SLEV")
        for (index, transfer) in transfers.enumerated() {
            try self.transfer(transfer, currency: currency, location: "CdtTrfTxInf[\(index + 1)]")
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
        if let creditorAgent { agent("CdtrAgt", creditorAgent) }
        writer.open("Cdtr")
        writer.element("Nm", transfer.creditor.name)
        writer.close("Cdtr")
        try account("CdtrAcct", transfer.creditor.account, location: location() + "/CdtrAcct")
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

    /// `<DbtrAgt><FinInstnId>` with a BIC, or a CNAPS code as a clearing system member id.
    private mutating func agent(_ element: String, _ code: BankCode) {
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
        }
        writer.close("FinInstnId")
        writer.close(element)
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
