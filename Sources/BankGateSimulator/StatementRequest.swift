import BankGateCore
import BankGateXML

/// The report messages the simulated bank answers a camt.060 with (`RptgReq/ReqdMsgNmId`).
public enum StatementMessage: String, Hashable, Sendable, CaseIterable {
    /// End-of-day statements, one `Stmt` per day, in one `BkToCstmrStmt`.
    case camt053v08 = "camt.053.001.08"
    /// The same in the older schema.
    case camt053v02 = "camt.053.001.02"
    /// One intraday report (`Rpt`) of the last day asked for, with interim booked balances.
    case camt052v08 = "camt.052.001.08"
    /// End-of-day statements as MT940 messages, one after another.
    case mt940 = "MT940"
    /// Debit and credit notifications, one `Ntfctn` per day with that day's bookings and no balances:
    /// the receipts (电子回单) an ISO 20022 bank gives as data.
    case camt054v08 = "camt.054.001.08"

    /// Whether the answer holds end-of-day statements (camt.053, MT940) rather than an intraday report.
    var isEndOfDay: Bool { self != .camt052v08 }

    /// The `format` value of `GET /sim/statements` (`camt053`, `camt052`, `mt940`).
    init?(queryValue: String) {
        switch queryValue.lowercased() {
        case "camt053", "camt.053", "camt.053.001.08": self = .camt053v08
        case "camt053v02", "camt.053.001.02": self = .camt053v02
        case "camt052", "camt.052", "camt.052.001.08": self = .camt052v08
        case "mt940": self = .mt940
        case "camt054", "camt.054", "camt.054.001.08": self = .camt054v08
        default: return nil
        }
    }
}

/// What an account reporting request asks for: which message, which account, which days.
struct StatementRequest: Hashable, Sendable {
    /// `GrpHdr/MsgId` of the camt.060 (`nil` for `GET /sim/statements`).
    var requestId: String?
    var message: StatementMessage
    /// `Acct/Id/IBAN`, else `Acct/Id/Othr/Id`.
    var account: String
    /// First and last day asked for, as days since 1970-01-01 (UTC).
    var fromDay: Int64
    var toDay: Int64

    /// The longest period one request may cover, in days.
    static let maxDays: Int64 = 366

    /// The namespace of the camt.060 version the gateway sends.
    static let namespace = "urn:iso:std:iso:20022:tech:xsd:camt.060.001.05"

    /// Reads a camt.060 account reporting request (`Document/AcctRptgReq`), by structure: namespaces and
    /// prefixes are not checked, like the pain.001 reader. Exactly one `RptgReq` is read.
    static func read(_ root: XMLNode) throws(BankCodecError) -> StatementRequest {
        guard root.name == "Document", let request = root.child("AcctRptgReq") else {
            throw BankCodecError("not a camt.060 document (Document/AcctRptgReq)")
        }
        guard let requestId = ISO20022BankCodec.text(request.descendant("GrpHdr", "MsgId")) else {
            throw BankCodecError("camt.060 without GrpHdr/MsgId")
        }
        let reportings = request.children("RptgReq")
        guard reportings.count == 1, let reporting = reportings.first else {
            throw BankCodecError("camt.060 must hold exactly one RptgReq, not \(reportings.count)")
        }
        guard let name = ISO20022BankCodec.text(reporting.child("ReqdMsgNmId")) else {
            throw BankCodecError("RptgReq without ReqdMsgNmId")
        }
        guard let message = StatementMessage(rawValue: name) else {
            let known = StatementMessage.allCases.map(\.rawValue).joined(separator: ", ")
            throw BankCodecError("ReqdMsgNmId \"\(name.prefix(35))\" is not one of \(known)")
        }
        guard let account = ISO20022BankCodec.text(reporting.descendant("Acct", "Id", "IBAN"))
            ?? ISO20022BankCodec.text(reporting.descendant("Acct", "Id", "Othr", "Id")) else {
            throw BankCodecError("RptgReq without Acct/Id/IBAN or Acct/Id/Othr/Id")
        }
        let period = reporting.descendant("RptgPrd", "FrToDt")
        return try make(requestId: requestId, message: message, account: account,
                        from: ISO20022BankCodec.text(period?.child("FrDt")),
                        to: ISO20022BankCodec.text(period?.child("ToDt")), fromName: "RptgPrd/FrToDt/FrDt",
                        toName: "RptgPrd/FrToDt/ToDt")
    }

    /// Checks the dates and the account syntax and builds the request.
    static func make(requestId: String?, message: StatementMessage, account: String, from: String?, to: String?,
                     fromName: String, toName: String) throws(BankCodecError) -> StatementRequest {
        guard AccountNumberSyntax.isValid(account) else {
            throw BankCodecError("the account is not a valid IBAN or 1-34 letters and digits")
        }
        guard let from else { throw BankCodecError("\(fromName) is missing") }
        guard let to else { throw BankCodecError("\(toName) is missing") }
        guard let fromDay = SimulatorDay.parse(from) else { throw BankCodecError("\(fromName) is not a date YYYY-MM-DD") }
        guard let toDay = SimulatorDay.parse(to) else { throw BankCodecError("\(toName) is not a date YYYY-MM-DD") }
        guard fromDay <= toDay else { throw BankCodecError("\(fromName) is after \(toName)") }
        guard toDay - fromDay < maxDays else {
            throw BankCodecError("the period covers more than \(maxDays) days; ask for it in parts")
        }
        return StatementRequest(requestId: requestId, message: message, account: account, fromDay: fromDay, toDay: toDay)
    }
}

/// Calendar days as the simulator counts them: whole days since 1970-01-01, UTC (``CalendarDay``'s
/// numbering, as integers the ledger stores).
enum SimulatorDay {
    static let milliseconds: Int64 = 86_400_000

    /// The UTC day of `time`.
    static func of(_ time: Timestamp) -> Int64 {
        Int64(CalendarDay(time).daysSinceEpoch)
    }

    /// Milliseconds since the start of its UTC day.
    static func timeOfDay(_ time: Timestamp) -> Int64 {
        time.milliseconds - CalendarDay(time).midnight.milliseconds
    }

    /// `YYYY-MM-DD`.
    static func date(_ day: Int64) -> String {
        CalendarDay(daysSinceEpoch: Int(day)).description
    }

    /// `YYYYMMDD`.
    static func compactDate(_ day: Int64) -> String {
        String(date(day).filter { $0 != "-" })
    }

    /// The day of a `YYYY-MM-DD` date, or `nil` when it is not a real date.
    static func parse(_ text: String) -> Int64? {
        CalendarDay(text).map { Int64($0.daysSinceEpoch) }
    }
}
