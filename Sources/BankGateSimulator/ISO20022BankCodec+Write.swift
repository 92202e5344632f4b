import BankGateCore
import BankGateXML

/// A reason in `StsRsnInf`: an external code (`Rsn/Cd`) or a proprietary one (`Rsn/Prtry`), with text.
struct StatusReason: Hashable, Sendable {
    /// The code, e.g. `AC01`, `DUPL`, or the proprietary `NOTFOUND`.
    var code: String
    /// Whether `code` goes in `Rsn/Prtry` rather than `Rsn/Cd`.
    var proprietary: Bool = false
    /// `AddtlInf`, cut to 105 characters.
    var text: String?
}

/// The status of one transfer in a report.
struct TransferStatusLine: Hashable, Sendable {
    var instructionId: String?
    var endToEndId: String
    /// `ACSC` or `RJCT`.
    var status: String
    var reason: StatusReason?
}

/// The status of one `PmtInf` block in a report.
struct PaymentInformationStatusLine: Hashable, Sendable {
    var paymentInformationId: String
    var status: String
    var transfers: [TransferStatusLine]
}

/// Everything a pain.002.001.10 customer payment status report says.
struct StatusReportDocument: Hashable, Sendable {
    /// `GrpHdr/MsgId` of the report.
    var reportId: String
    var createdAt: Timestamp
    var originalMessageId: String
    var originalMessageNameId: String
    /// `ACSC`, `PART` or `RJCT`.
    var groupStatus: String
    var groupReason: StatusReason?
    var paymentInformations: [PaymentInformationStatusLine]

    /// The group status for a set of transfer statuses: ACSC if all executed, RJCT if none, else PART.
    static func aggregate(_ statuses: [String]) -> String {
        if statuses.allSatisfy({ $0 == "ACSC" }) { return "ACSC" }
        if statuses.allSatisfy({ $0 == "RJCT" }) { return "RJCT" }
        if statuses.allSatisfy({ $0 == "PDNG" }) { return "PDNG" }
        return "PART"
    }
}

extension ISO20022BankCodec {
    /// The pain.002 namespace the simulator answers in.
    static let statusReportNamespace = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"

    /// Writes `report` as a pain.002.001.10 document, elements in schema order.
    static func writeStatusReport(_ report: StatusReportDocument) -> [UInt8] {
        let transferCount = report.paymentInformations.reduce(0) { $0 + $1.transfers.count }
        var xml = XMLWriter(capacity: 1024 + transferCount * 320, indentation: 1)
        xml.declaration()
        xml.open("Document", attributes: ["xmlns": statusReportNamespace])
        xml.open("CstmrPmtStsRpt")
        xml.open("GrpHdr")
        xml.element("MsgId", report.reportId)
        xml.element("CreDtTm", report.createdAt.iso8601Seconds)
        xml.close("GrpHdr")
        xml.open("OrgnlGrpInfAndSts")
        xml.element("OrgnlMsgId", report.originalMessageId)
        xml.element("OrgnlMsgNmId", report.originalMessageNameId)
        xml.element("GrpSts", report.groupStatus)
        if let reason = report.groupReason { write(reason, to: &xml) }
        xml.close("OrgnlGrpInfAndSts")
        var line = 0
        for info in report.paymentInformations {
            xml.open("OrgnlPmtInfAndSts")
            xml.element("OrgnlPmtInfId", info.paymentInformationId)
            xml.element("PmtInfSts", info.status)
            for transfer in info.transfers {
                line += 1
                xml.open("TxInfAndSts")
                xml.element("StsId", statusId(reportId: report.reportId, line: line))
                if let instructionId = transfer.instructionId { xml.element("OrgnlInstrId", instructionId) }
                xml.element("OrgnlEndToEndId", transfer.endToEndId)
                xml.element("TxSts", transfer.status)
                if let reason = transfer.reason { write(reason, to: &xml) }
                xml.close("TxInfAndSts")
            }
            xml.close("OrgnlPmtInfAndSts")
        }
        xml.close("CstmrPmtStsRpt")
        xml.close("Document")
        return xml.bytes
    }

    /// A status report rejecting a whole message with one reason (FF01, DUPL, NOTFOUND).
    static func groupRejection(reportId: String, createdAt: Timestamp, originalMessageId: String,
                               originalMessageNameId: String, reason: StatusReason) -> [UInt8] {
        writeStatusReport(StatusReportDocument(
            reportId: reportId, createdAt: createdAt, originalMessageId: originalMessageId,
            originalMessageNameId: originalMessageNameId, groupStatus: "RJCT", groupReason: reason,
            paymentInformations: []))
    }

    /// A body that is deliberately not well-formed XML: the first half of `bytes`, cut mid-document.
    static func malformed(_ bytes: [UInt8]) -> [UInt8] {
        Array(bytes.prefix(max(bytes.count / 2, 1))) + Array("<<!-- answer cut off by the simulator".utf8)
    }

    private static func write(_ reason: StatusReason, to xml: inout XMLWriter) {
        xml.open("StsRsnInf")
        xml.open("Rsn")
        xml.element(reason.proprietary ? "Prtry" : "Cd", reason.code)
        xml.close("Rsn")
        if let text = reason.text, !text.isEmpty { xml.element("AddtlInf", String(text.prefix(105))) }
        xml.close("StsRsnInf")
    }

    /// `StsId` of a transfer line: the report id and the line number, within 35 characters.
    private static func statusId(reportId: String, line: Int) -> String {
        let suffix = "-\(line)"
        return String(reportId.prefix(35 - suffix.count)) + suffix
    }
}
