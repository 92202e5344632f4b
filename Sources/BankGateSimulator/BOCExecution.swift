import BankGateCore
import BankGateXML

/// One `b2e0009-rq` of a transfer request, as received.
struct BOCTransferRequest: Hashable, Sendable {
    /// `insid`: the client's instruction id and the duplicate-check key.
    var instructionId: String
    /// `fractn/fribkn`, `actacn`, `actnam`.
    var debtorBranch: String
    var debtorAccount: String
    var debtorName: String?
    /// `toactn/toibkn`, `actacn`, `toname`, `tobknm`.
    var creditorBankCode: String
    var creditorAccount: String
    var creditorName: String
    var creditorBank: String
    /// `trnamt` in CNY (`trncur` `CNY` or `001`).
    var amount: Money
    /// `furinfo`.
    var purpose: String?

    /// At most this many `b2e0009-rq` per request (comeyoung's own cap; the gateway sends up to 99).
    static let maxPerRequest = 1000

    /// Reads every `b2e0009-rq` of a request.
    /// - Throws: ``BOCBankCodec/Refusal`` `B010` naming the record and field: nothing is executed.
    static func read(_ request: BOCBankCodec.Request) throws(BOCBankCodec.Refusal) -> [BOCTransferRequest] {
        guard (1...maxPerRequest).contains(request.records.count) else {
            throw .format("\(request.records.count) 笔 b2e0009-rq: 须为1至\(maxPerRequest)笔")
        }
        var transfers: [BOCTransferRequest] = []
        for (index, record) in request.records.enumerated() {
            func required(_ path: String...) throws(BOCBankCodec.Refusal) -> String {
                guard let value = BOCBankCodec.text(record.descendant(path: path)) else {
                    throw .format("b2e0009-rq[\(index + 1)] 缺少 \(path.joined(separator: "/"))")
                }
                return value
            }
            let instructionId = try required("insid")
            guard instructionId.utf8.count <= 30 else { throw .format("b2e0009-rq[\(index + 1)] insid 超过30位") }
            let branch = try required("fractn", "fribkn")
            guard branch.utf8.count == 5, branch.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw .format("b2e0009-rq[\(index + 1)] fribkn 须为5位数字")
            }
            let currency = try required("trncur")
            guard currency == "CNY" || currency == "001" else { throw .format("b2e0009-rq[\(index + 1)] trncur 只支持001或CNY") }
            guard let amount = try? Money(parsing: try required("trnamt"), currency: CCBExecution.cny), amount.minorUnits > 0 else {
                throw .format("b2e0009-rq[\(index + 1)] trnamt 须为正数")
            }
            let date = try required("trfdate")
            guard CMBBankCodec.dayNumber(date) != nil else { throw .format("b2e0009-rq[\(index + 1)] trfdate 须为YYYYMMDD") }
            transfers.append(BOCTransferRequest(
                instructionId: instructionId, debtorBranch: branch, debtorAccount: try required("fractn", "actacn"),
                debtorName: BOCBankCodec.text(record.descendant("fractn", "actnam")),
                creditorBankCode: try required("toactn", "toibkn"), creditorAccount: try required("toactn", "actacn"),
                creditorName: try required("toactn", "toname"), creditorBank: try required("toactn", "tobknm"),
                amount: amount, purpose: BOCBankCodec.text(record.child("furinfo"))))
        }
        return transfers
    }
}

/// BOC's rules for one `b2e0009-rq` on top of the profile-independent ``PaymentExecution``: the duplicate
/// check on `insid`, a bank serial (`obssid`) per new transfer, the branch check, the ledger rules, and
/// the record stored under the `insid` that `b2e0007` and `b2e0035` answer from.
enum BOCExecution {
    /// The name of the stored record.
    static let recordName = "BOCTRANSFER"
    /// A record's `rspcod` of an `insid` received before (the published sample's invented code).
    static let duplicate = BOCBankCodec.Refusal(code: "B120", message: "指令ID重复")
    /// A `b2e0007` record's `rspcod` of an `insid` the bank never received (the simulator's choice).
    static let notFound = BOCBankCodec.Refusal(code: "B121", message: "无此指令")

    /// A record's `rspcod` and `rspmsg` for a ledger refusal: `SIM` + the ledger's ISO 20022 reason
    /// (BOC's failure codes are not public; the codec reads them as unknown).
    static func refusal(_ rejection: TransferRejection) -> BOCBankCodec.Refusal {
        let text = switch rejection.code {
        case "AC01": "账号无效或不存在"
        case "AC04": "账户已销户"
        case "AC06": "账户已冻结"
        case "AM03": "币种不符"
        case "AM04": "余额不足"
        default: "交易失败"
        }
        return BOCBankCodec.Refusal(code: "SIM" + rejection.code, message: text)
    }

    /// The result of one transfer: its status and `obssid` (empty when not taken).
    struct Outcome: Hashable, Sendable {
        var instructionId: String
        var status: BOCBankCodec.Refusal
        var serial: String
    }

    /// Executes one transfer, or refuses it as a duplicate without executing it again.
    static func run(_ transfer: BOCTransferRequest, profile: BOCProfile,
                    on execution: inout PaymentExecution) throws -> Outcome {
        if try execution.storedAnswer(key: transfer.instructionId) != nil {
            return Outcome(instructionId: transfer.instructionId, status: duplicate, serial: "")
        }
        let sequence = try execution.record(key: transfer.instructionId, status: "RCV", answer: Array("<pending/>".utf8))
        let serial = CCBBankCodec.padded(sequence, to: 19)
        let result: Result<Money, TransferRejection>
        if !profile.branchMatches(transfer.debtorBranch, number: transfer.debtorAccount) {
            result = .failure(TransferRejection(code: "AC01", text: "debtor branch is not the account's"))
        } else {
            result = try execution.execute(LedgerInstruction(
                key: transfer.instructionId, paymentInformationId: serial, instructionId: transfer.instructionId,
                endToEndId: transfer.instructionId, debtorAccount: transfer.debtorAccount,
                openingCurrency: CCBExecution.cny, amount: .success(transfer.amount),
                creditorAccount: transfer.creditorAccount))
        }
        let status: BOCBankCodec.Refusal
        switch result {
        case .success: status = BOCBankCodec.ok
        case .failure(let rejection): status = refusal(rejection)
        }
        var xml = XMLWriter(capacity: 512)
        xml.open(recordName)
        for (name, value) in [
            ("rspcod", status.code), ("rspmsg", status.code == "B001" ? "交易成功" : status.message),
            ("insid", transfer.instructionId), ("obssid", serial), ("fribkn", transfer.debtorBranch),
            ("actnam", transfer.debtorName ?? ""), ("toibkn", transfer.creditorBankCode), ("toname", transfer.creditorName),
            ("tobknm", transfer.creditorBank), ("furinfo", transfer.purpose ?? ""),
        ] { xml.element(name, value) }
        xml.close(recordName)
        try execution.replaceAnswer(key: transfer.instructionId, status: status.code, answer: xml.bytes)
        return Outcome(instructionId: transfer.instructionId, status: status, serial: serial)
    }
}
