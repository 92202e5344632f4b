import BankGateXML
import Foundation

/// The bank side of ISO 20022: reads what a customer sends (pain.001, status queries) and writes
/// what a bank answers (pain.002.001.10). Pure functions over bytes and trees; no I/O.
enum ISO20022BankCodec {
    /// The kinds of message the simulated bank accepts.
    enum MessageKind: Hashable, Sendable {
        /// `Document/CstmrCdtTrfInitn` (pain.001).
        case paymentInitiation
        /// `Document/FIToFIPmtStsReq` (pacs.028) asking for the status of an earlier message.
        case statusQuery
    }

    /// The largest message accepted, in bytes (the HTTP body limit too).
    static let maxMessageBytes = 64 << 20

    /// What kind of message a parsed document is, or `nil` for anything else.
    static func kind(of root: XMLNode) -> MessageKind? {
        guard root.name == "Document" else { return nil }
        if root.child("CstmrCdtTrfInitn") != nil { return .paymentInitiation }
        if root.child("FIToFIPmtStsReq") != nil { return .statusQuery }
        return nil
    }

    /// Reads a pain.001 (.001.03 or .001.09, by structure: namespaces and prefixes are ignored).
    ///
    /// Throws only when the document is not a pain.001 or has no `GrpHdr/MsgId`, since then no status
    /// report can refer to it. Other missing elements are collected in ``PaymentInitiation/problems``.
    static func readPaymentInitiation(_ root: XMLNode) throws(BankCodecError) -> PaymentInitiation {
        guard root.name == "Document", let initiation = root.child("CstmrCdtTrfInitn") else {
            throw BankCodecError("not a pain.001 document (Document/CstmrCdtTrfInitn)")
        }
        guard let messageId = text(initiation.descendant("GrpHdr", "MsgId")) else {
            throw BankCodecError("pain.001 without GrpHdr/MsgId")
        }
        var problems: [String] = []
        var infos: [PaymentInformation] = []
        for (index, block) in initiation.children("PmtInf").enumerated() {
            infos.append(readPaymentInformation(block, index: index, problems: &problems))
        }
        return PaymentInitiation(
            messageId: messageId,
            messageNameId: messageNameId(namespace: root.namespaceURI, prefix: "pain.001.", fallback: "pain.001.001.09"),
            declaredNumberOfTransactions: text(initiation.descendant("GrpHdr", "NbOfTxs")),
            declaredControlSum: text(initiation.descendant("GrpHdr", "CtrlSum")),
            paymentInformations: infos,
            problems: problems)
    }

    private static func readPaymentInformation(_ block: XMLNode, index: Int,
                                               problems: inout [String]) -> PaymentInformation {
        let id = text(block.child("PmtInfId")) ?? ""
        if id.isEmpty { problems.append("PmtInf \(index + 1) has no PmtInfId") }
        var transfers: [ReceivedTransfer] = []
        for (position, node) in block.children("CdtTrfTxInf").enumerated() {
            let place = "PmtInf \(index + 1), CdtTrfTxInf \(position + 1)"
            let endToEndId = text(node.descendant("PmtId", "EndToEndId"))
            let amountNode = node.descendant("Amt", "InstdAmt")
            let amountText = text(amountNode)
            let currency = amountNode?.attributes["Ccy"]
            if endToEndId == nil { problems.append("\(place) has no PmtId/EndToEndId") }
            if amountText == nil || currency == nil { problems.append("\(place) has no Amt/InstdAmt with Ccy") }
            transfers.append(ReceivedTransfer(
                instructionId: text(node.descendant("PmtId", "InstrId")),
                endToEndId: endToEndId ?? "",
                amountText: amountText ?? "",
                currencyCode: currency ?? "",
                creditorName: text(node.descendant("Cdtr", "Nm")),
                creditorAccount: accountId(node.child("CdtrAcct")),
                creditorAgentBIC: text(node.descendant("CdtrAgt", "FinInstnId", "BICFI"))
                    ?? text(node.descendant("CdtrAgt", "FinInstnId", "BIC")),
                remittanceInformation: text(node.descendant("RmtInf", "Ustrd"))))
        }
        if transfers.isEmpty { problems.append("PmtInf \(index + 1) has no CdtTrfTxInf") }
        return PaymentInformation(
            id: id,
            declaredNumberOfTransactions: text(block.child("NbOfTxs")),
            declaredControlSum: text(block.child("CtrlSum")),
            debtorAccount: accountId(block.child("DbtrAcct")),
            debtorAccountCurrency: text(block.descendant("DbtrAcct", "Ccy")),
            transfers: transfers,
            requestedExecutionDate: text(block.descendant("ReqdExctnDt", "Dt")) ?? text(block.child("ReqdExctnDt")))
    }

    /// `Id/IBAN`, else `Id/Othr/Id`, of a `DbtrAcct` or `CdtrAcct`.
    private static func accountId(_ account: XMLNode?) -> String? {
        guard let account else { return nil }
        return text(account.descendant("Id", "IBAN")) ?? text(account.descendant("Id", "Othr", "Id"))
    }

    /// The trimmed text of `node`, or `nil` when the node is missing or empty.
    static func text(_ node: XMLNode?) -> String? {
        guard let value = node?.trimmedText, !value.isEmpty else { return nil }
        return value
    }

    /// The message name from a namespace such as `urn:iso:std:iso:20022:tech:xsd:pain.001.001.03`.
    static func messageNameId(namespace: String?, prefix: String, fallback: String) -> String {
        guard let namespace, let range = namespace.range(of: prefix, options: .backwards) else { return fallback }
        let name = String(namespace[range.lowerBound...])
        return name.utf8.count <= 35 ? name : fallback
    }
}

/// A message the simulated bank cannot read at all (HTTP 400, or `failed/` in folder mode).
struct BankCodecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, for the sender; never contains account numbers.
    var message: String

    init(_ message: String) { self.message = message }

    var description: String { message }
}
