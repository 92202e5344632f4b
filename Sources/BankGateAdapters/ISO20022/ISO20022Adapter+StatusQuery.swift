public import BankGateCore
import BankGateXML

/// The status request: modelled on pacs.028.001.03 (`FIToFIPmtStsReq`), the ISO message for asking
/// about a payment's status. Using it between a customer and its bank is our convention, agreed per
/// bank; so is the answer "never received" (a pain.002 with group status RJCT, reason `NOTFOUND`).
extension ISO20022Adapter {
    /// The message name of the status request.
    public static let statusQueryKind = "pacs.028.001.03"
    /// Its namespace.
    public static let statusQueryNamespace = "urn:iso:std:iso:20022:tech:xsd:pacs.028.001.03"

    /// Writes the status request for the message `query` names (kind ``statusQueryKind``).
    public func encodeStatusQuery(_ query: StatusQuery) throws(AdapterError) -> EncodedMessage {
        try encodeStatusQuery(originalMessageId: query.originalMessageId, originalKind: query.originalKind,
                              queryId: query.queryId, createdAt: query.createdAt)
    }

    /// Writes the status request for one of our messages (kind ``statusQueryKind``).
    public func encodeStatusQuery(originalMessageId: String, originalKind: String, queryId: String,
                                  createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        try Pain001Encoder.checkIdentifier(queryId, "GrpHdr/MsgId")
        try Pain001Encoder.checkIdentifier(originalMessageId, "OrgnlGrpInf/OrgnlMsgId")
        try Pain001Encoder.checkIdentifier(originalKind, "OrgnlGrpInf/OrgnlMsgNmId")
        var writer = XMLWriter(capacity: 512, indentation: 2)
        writer.declaration()
        writer.open("Document", attributes: ["xmlns": Self.statusQueryNamespace])
        writer.open("FIToFIPmtStsReq")
        writer.open("GrpHdr")
        writer.element("MsgId", queryId)
        writer.element("CreDtTm", createdAt.iso8601Seconds)
        writer.close("GrpHdr")
        writer.open("OrgnlGrpInf")
        writer.element("OrgnlMsgId", originalMessageId)
        writer.element("OrgnlMsgNmId", originalKind)
        writer.close("OrgnlGrpInf")
        writer.close("FIToFIPmtStsReq")
        writer.close("Document")
        writer.raw("\n")
        return EncodedMessage(kind: Self.statusQueryKind, contentType: Self.contentType,
                              fileName: Self.fileName(for: queryId), bytes: writer.bytes)
    }

    /// Reads a status request written by ``encodeStatusQuery(originalMessageId:originalKind:queryId:createdAt:)``
    /// (for the simulator, which plays the bank).
    public static func decodeStatusQuery(_ bytes: [UInt8]) throws(AdapterError) -> (queryId: String, originalMessageId: String) {
        let root: XMLNode
        do {
            root = try HardenedXML.parse(bytes, maxBytes: 1 << 20)
        } catch {
            throw AdapterError("status request refused: \(error.message)", location: error.line.map { "line \($0)" })
        }
        guard root.name == "Document", root.namespaceURI == statusQueryNamespace,
              let request = root.child("FIToFIPmtStsReq") else {
            throw AdapterError("not a \(statusQueryKind) status request", location: "Document")
        }
        let queryId = try Pain002Decoder.required(request.descendant("GrpHdr", "MsgId"), "GrpHdr/MsgId")
        let original = try Pain002Decoder.required(request.descendant("OrgnlGrpInf", "OrgnlMsgId"), "OrgnlGrpInf/OrgnlMsgId")
        return (queryId, original)
    }

    /// Interprets the answer to a status query.
    ///
    /// - HTTP 200 with a pain.002 about `originalMessageId` → `.report`.
    /// - A pain.002 about `originalMessageId` with group status RJCT and reason `NOTFOUND`, with HTTP
    ///   200 or 404 → `.notReceived`.
    /// - Anything else → `.inconclusive`. A bare 404 or an empty body never means "not received":
    ///   a wrong URL must not cause a resend.
    public func interpretStatusQueryAnswer(httpStatus: Int, body: [UInt8], query: StatusQuery) -> StatusQueryAnswer {
        interpretStatusQueryAnswer(httpStatus: httpStatus, body: body, originalMessageId: query.originalMessageId)
    }

    /// ``interpretStatusQueryAnswer(httpStatus:body:query:)`` for the message `originalMessageId`.
    public func interpretStatusQueryAnswer(httpStatus: Int, body: [UInt8], originalMessageId: String) -> StatusQueryAnswer {
        let report: StatusReport
        do {
            report = try decodeStatusReport(body)
        } catch {
            return .inconclusive("HTTP \(httpStatus) without a readable status report: \(error.message)")
        }
        guard report.originalMessageId == originalMessageId else {
            return .inconclusive("the status report is about another message")
        }
        if httpStatus == 200 || httpStatus == 404, report.groupStatus == "RJCT",
           report.groupOutcome?.reasonCode == Self.notFoundReason {
            return .notReceived
        }
        guard httpStatus == 200 else {
            return .inconclusive("HTTP \(httpStatus) with a status report")
        }
        return .report(report)
    }
}
