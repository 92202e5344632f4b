import Foundation
import BankGateCore

/// pain.002 answers written as text, as a bank would send them, and the few elements the tests
/// read back from what the gateway sent.
enum BankDocuments {
    /// A transfer line of a report: the end-to-end id and its `TxSts`.
    struct Line {
        var endToEndId: String
        var status: String
    }

    /// A pain.002.001.10 about `originalMessageId` with group status `groupStatus`, an optional
    /// group reason (`Cd` for ISO codes, `Prtry` for `NOTFOUND`) and optional transfer lines.
    static func statusReport(originalMessageId: String, groupStatus: String, reasonCode: String? = nil,
                             lines: [Line] = []) -> [UInt8] {
        var reason = ""
        if let reasonCode {
            let tag = reasonCode == "NOTFOUND" ? "Prtry" : "Cd"
            reason = "<StsRsnInf><Rsn><\(tag)>\(reasonCode)</\(tag)></Rsn><AddtlInf>scripted</AddtlInf></StsRsnInf>"
        }
        var transactions = ""
        if !lines.isEmpty {
            transactions = "<OrgnlPmtInfAndSts><OrgnlPmtInfId>\(originalMessageId)-1</OrgnlPmtInfId>"
                + lines.map { "<TxInfAndSts><OrgnlEndToEndId>\($0.endToEndId)</OrgnlEndToEndId><TxSts>\($0.status)</TxSts></TxInfAndSts>" }
                    .joined()
                + "</OrgnlPmtInfAndSts>"
        }
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">
              <CstmrPmtStsRpt>
                <GrpHdr><MsgId>RPT-\(originalMessageId.suffix(12))</MsgId><CreDtTm>2026-03-02T09:00:00Z</CreDtTm></GrpHdr>
                <OrgnlGrpInfAndSts>
                  <OrgnlMsgId>\(originalMessageId)</OrgnlMsgId>
                  <OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>
                  <GrpSts>\(groupStatus)</GrpSts>\(reason)
                </OrgnlGrpInfAndSts>\(transactions)
              </CstmrPmtStsRpt>
            </Document>

            """
        return Array(text.utf8)
    }

    /// The text of the first `<name>` element in `bytes` (the gateway writes no namespace prefixes).
    static func element(_ name: String, in bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let open = text.range(of: "<\(name)>"),
              let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex) else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }

    /// The message id a bank would answer about: `GrpHdr/MsgId` of a pain.001, `OrgnlMsgId` of a status query.
    static func originalMessageId(of message: EncodedMessage) -> String {
        element(message.kind.hasPrefix("pain.001") ? "MsgId" : "OrgnlMsgId", in: message.bytes) ?? "?"
    }

    /// Every `EndToEndId` in a pain.001.
    static func endToEndIds(in bytes: [UInt8]) -> [String] {
        var ids: [String] = []
        var text = Substring(String(decoding: bytes, as: UTF8.self))
        while let open = text.range(of: "<EndToEndId>"), let close = text.range(of: "</EndToEndId>", range: open.upperBound..<text.endIndex) {
            ids.append(String(text[open.upperBound..<close.lowerBound]))
            text = text[close.upperBound...]
        }
        return ids
    }
}
