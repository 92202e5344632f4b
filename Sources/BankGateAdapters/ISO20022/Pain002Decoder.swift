import BankGateCore
import BankGateXML

/// Reads a pain.002 customer payment status report (versions 03, 10 and 12, which share the parts
/// read here) into a ``StatusReport``.
///
/// The status that applies to transfers the report does not list is the payment information status
/// (`OrgnlPmtInfAndSts/PmtInfSts`) when the report has exactly one such block (bankgate sends one per
/// message), else the group status (`OrgnlGrpInfAndSts/GrpSts`).
enum Pain002Decoder {
    /// The namespaces accepted: the structure read is the same in all of them.
    static let namespaces: Set<String> = [
        "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03",
        "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10",
        "urn:iso:std:iso:20022:tech:xsd:pain.002.001.12",
    ]

    static func decode(_ bytes: [UInt8], codes: ISO20022Codes.Table = ISO20022Codes.builtIn) throws(AdapterError) -> StatusReport {
        let root: XMLNode
        do {
            root = try HardenedXML.parse(bytes)
        } catch {
            throw AdapterError("status report refused: \(error.message)", location: error.line.map { "line \($0)" })
        }
        guard root.name == "Document", let namespace = root.namespaceURI, namespaces.contains(namespace) else {
            throw AdapterError("not a pain.002.001.03/.10/.12 document", location: "Document")
        }
        guard let report = root.child("CstmrPmtStsRpt") else {
            throw AdapterError("missing CstmrPmtStsRpt", location: "Document")
        }
        let reportId = try required(report.descendant("GrpHdr", "MsgId"), "GrpHdr/MsgId")
        guard let group = report.child("OrgnlGrpInfAndSts") else {
            throw AdapterError("missing OrgnlGrpInfAndSts", location: "CstmrPmtStsRpt")
        }
        let originalMessageId = try required(group.child("OrgnlMsgId"), "OrgnlGrpInfAndSts/OrgnlMsgId")
        let groupStatus = nonEmpty(group.child("GrpSts"))
        let paymentInfos = report.children("OrgnlPmtInfAndSts")

        // The level whose status covers the unlisted transfers, with its reasons.
        var defaultLevel: (status: String, reasons: [XMLNode], location: String)?
        if paymentInfos.count == 1, let status = nonEmpty(paymentInfos[0].child("PmtInfSts")) {
            defaultLevel = (status, paymentInfos[0].children("StsRsnInf"), "OrgnlPmtInfAndSts/PmtInfSts")
        } else if let groupStatus {
            defaultLevel = (groupStatus, group.children("StsRsnInf"), "OrgnlGrpInfAndSts/GrpSts")
        }
        var groupOutcome: TransactionOutcome?
        if let level = defaultLevel {
            let reason = reason(level.reasons)
            groupOutcome = TransactionOutcome(endToEndId: nil, instructionId: nil, bankStatus: level.status,
                                              status: try map(level.status, codes: codes, location: level.location),
                                              reasonCode: reason.code, reasonText: reason.text)
        }

        var transactions: [TransactionOutcome] = []
        for paymentInfo in paymentInfos {
            let inherited = nonEmpty(paymentInfo.child("PmtInfSts")) ?? groupStatus
            for line in paymentInfo.children("TxInfAndSts") {
                let location = "TxInfAndSts (line \(line.line))"
                guard let status = nonEmpty(line.child("TxSts")) ?? inherited else {
                    throw AdapterError("transaction without a status", location: location)
                }
                let endToEndId = nonEmpty(line.child("OrgnlEndToEndId"))
                let instructionId = nonEmpty(line.child("OrgnlInstrId"))
                guard endToEndId != nil || instructionId != nil else {
                    throw AdapterError("transaction status without OrgnlEndToEndId or OrgnlInstrId", location: location)
                }
                let reason = reason(line.children("StsRsnInf"))
                transactions.append(TransactionOutcome(
                    endToEndId: endToEndId, instructionId: instructionId, bankStatus: status,
                    status: try map(status, codes: codes, location: location + "/TxSts"),
                    reasonCode: reason.code, reasonText: reason.text))
            }
        }
        return StatusReport(reportId: reportId, originalMessageId: originalMessageId, groupStatus: groupStatus,
                            groupOutcome: groupOutcome, transactions: transactions)
    }

    /// Maps a status code through `codes`; a code the table does not know refuses the report.
    static func map(_ code: String, codes: ISO20022Codes.Table, location: String) throws(AdapterError) -> PaymentStatus {
        guard let status = codes.category(.status, code)?.paymentStatus else {
            throw AdapterError("unknown status code \(code)", location: location)
        }
        return status
    }

    /// The first reason code (`Rsn/Cd`, else `Rsn/Prtry`) and every `AddtlInf` joined with spaces.
    static func reason(_ reasons: [XMLNode]) -> (code: String?, text: String?) {
        var code: String?
        var texts: [String] = []
        for reason in reasons {
            if code == nil {
                code = nonEmpty(reason.descendant("Rsn", "Cd")) ?? nonEmpty(reason.descendant("Rsn", "Prtry"))
            }
            texts += reason.children("AddtlInf").map(\.trimmedText).filter { !$0.isEmpty }
        }
        return (code, texts.isEmpty ? nil : texts.joined(separator: " "))
    }

    static func required(_ node: XMLNode?, _ location: String) throws(AdapterError) -> String {
        guard let value = nonEmpty(node) else { throw AdapterError("missing or empty element", location: location) }
        return value
    }

    static func nonEmpty(_ node: XMLNode?) -> String? {
        guard let text = node?.trimmedText, !text.isEmpty else { return nil }
        return text
    }
}
