public import BankGateCore
import BankGateXML

/// Account report requests: ISO 20022 camt.060 (AcctRptgReq), asking for camt.053 end-of-day
/// statements or a camt.052 intraday report (or MT940 where the bank offers it) for a period.
extension ISO20022Adapter: AccountReportingAdapter {
    static let reportRequestNamespace = "urn:iso:std:iso:20022:tech:xsd:camt.060.001.05"
    static let reportRequestKind = "camt.060.001.05"

    public func encodeReportRequest(account: DebtorAccount, kind: AccountReportKind, messageName: String, fromDate: String,
                                    toDate: String, requestId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        try Pain001Encoder.checkIdentifier(requestId, "GrpHdr/MsgId")
        guard Timestamp.parseDate(fromDate) != nil, Timestamp.parseDate(toDate) != nil, fromDate <= toDate else {
            throw AdapterError("the report period must be two dates, from before to", location: "RptgPrd/FrToDt")
        }
        var writer = XMLWriter(capacity: 1024, indentation: 2)
        writer.declaration()
        writer.open("Document", attributes: ["xmlns": Self.reportRequestNamespace])
        writer.open("AcctRptgReq")
        writer.open("GrpHdr")
        writer.element("MsgId", requestId)
        writer.element("CreDtTm", createdAt.iso8601Seconds)
        writer.close("GrpHdr")
        writer.open("RptgReq")
        writer.element("Id", requestId)
        writer.element("ReqdMsgNmId", messageName)
        writer.open("Acct")
        writer.open("Id")
        if IBAN.isValid(account.number) {
            writer.element("IBAN", account.number)
        } else {
            writer.open("Othr")
            writer.element("Id", account.number)
            writer.close("Othr")
        }
        writer.close("Id")
        writer.element("Ccy", account.currency.code)
        writer.close("Acct")
        writer.open("AcctOwnr")
        writer.open("Pty")
        writer.element("Nm", account.name)
        writer.close("Pty")
        writer.close("AcctOwnr")
        writer.open("RptgPrd")
        writer.open("FrToDt")
        writer.element("FrDt", fromDate)
        writer.element("ToDt", toDate)
        writer.close("FrToDt")
        writer.open("FrToTm")
        writer.element("FrTm", "00:00:00")
        writer.element("ToTm", "23:59:59")
        writer.close("FrToTm")
        writer.element("Tp", "ALLL")
        writer.close("RptgPrd")
        writer.close("RptgReq")
        writer.close("AcctRptgReq")
        writer.close("Document")
        writer.raw("\n")
        return EncodedMessage(kind: Self.reportRequestKind, contentType: Self.contentType,
                              fileName: Self.fileName(for: requestId), bytes: writer.bytes)
    }

    /// With `bank_certificate`, a camt report is trusted only with a valid signature by the bank's key.
    public func checkReportAnswer(_ body: [UInt8]) throws(AdapterError) {
        try checkAnswerSignature(body)
    }

    /// Reads a report request written by ``encodeReportRequest`` (for the simulator, which plays the bank).
    public static func decodeReportRequest(_ bytes: [UInt8]) throws(AdapterError)
        -> (requestId: String, messageName: String, account: String, fromDate: String, toDate: String) {
        let root: XMLNode
        do {
            root = try HardenedXML.parse(bytes, maxBytes: 1 << 20)
        } catch {
            throw AdapterError("report request refused: \(error.message)", location: error.line.map { "line \($0)" })
        }
        guard root.name == "Document", root.namespaceURI?.hasPrefix("urn:iso:std:iso:20022:tech:xsd:camt.060.") == true,
              let request = root.child("AcctRptgReq") else {
            throw AdapterError("not a camt.060 account reporting request", location: "Document")
        }
        let requestId = try Pain002Decoder.required(request.descendant("GrpHdr", "MsgId"), "GrpHdr/MsgId")
        let name = try Pain002Decoder.required(request.descendant("RptgReq", "ReqdMsgNmId"), "RptgReq/ReqdMsgNmId")
        let account = request.descendant("RptgReq", "Acct", "Id", "IBAN") ?? request.descendant("RptgReq", "Acct", "Id", "Othr", "Id")
        let accountId = try Pain002Decoder.required(account, "RptgReq/Acct/Id")
        let from = try Pain002Decoder.required(request.descendant("RptgReq", "RptgPrd", "FrToDt", "FrDt"), "RptgPrd/FrToDt/FrDt")
        let to = try Pain002Decoder.required(request.descendant("RptgReq", "RptgPrd", "FrToDt", "ToDt"), "RptgPrd/FrToDt/ToDt")
        return (requestId, name, accountId, from, to)
    }
}
