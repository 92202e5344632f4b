import BankGateCore
import BankGateXML
import BankGateStore
import Logging

/// An `AgentRequest` (直接代发代扣) as received: `SDKATSRQX` (the batch: its `YURREF`, the paying
/// account, `SUM`, `TOTAL`, `MEMO`) and a `SDKATDRQX` per line.
struct CMBPayrollRequest: Hashable, Sendable {
    struct Line: Hashable, Sendable {
        /// 1-based position in the request: `TRXSEQ` of its result.
        var sequence: Int
        var account: String
        var name: String
        var amount: Money
        /// `BNKFLG`: `Y` (or empty) a CMB account, `N` another bank's (`EACBNK`, `EACCTY` then given).
        var sameBank: Bool
        var bank: String?
        var city: String?
        /// `TRSDSP` (注释): repeated in the line's result.
        var note: String?
    }

    /// `YURREF`: the batch's reference and the duplicate-check key.
    var reference: String
    var debtorAccount: String
    var debtorBranch: String
    var memo: String
    var lines: [Line]

    /// 代发工资, the only business the simulator executes.
    static let businessCode = "N03010"
    /// `AgentRequest` takes 1 to 6000 lines.
    static let maxLines = 6000

    /// Reads the request: one `SDKATSRQX` with `BUSCOD=N03010`, `TRSTYP`, `DBTACC`, `BBKNBR`, `SUM`,
    /// `TOTAL`, `YURREF` (≤30), `MEMO` and `CCYNBR` 10 (when given), then 1–6000 `SDKATDRQX` with
    /// `ACCNBR`, `CLTNAM`, `TRSAMT`; `TOTAL` must count them and `SUM` add up their amounts.
    /// - Throws: ``BankCodecError`` naming the field, for `RETCOD=-3`: nothing is executed.
    static func read(_ request: CMBBankCodec.Request) throws(BankCodecError) -> CMBPayrollRequest {
        let headers = request.records("SDKATSRQX")
        guard headers.count == 1, let header = headers.first else { throw BankCodecError("AgentRequest takes one SDKATSRQX") }
        func required(_ node: XMLNode, _ name: String, _ record: String) throws(BankCodecError) -> String {
            guard let value = CMBBankCodec.text(node.child(name)) else { throw BankCodecError("\(record): missing \(name)") }
            return value
        }
        let cny = CCBExecution.cny
        func amount(_ text: String, _ field: String) throws(BankCodecError) -> Money {
            guard let money = try? Money(parsing: text, currency: cny), money.minorUnits > 0 else {
                throw BankCodecError("\(field) must be a positive amount")
            }
            return money
        }
        guard try required(header, "BUSCOD", "SDKATSRQX") == businessCode else {
            throw BankCodecError("SDKATSRQX/BUSCOD must be \(businessCode) (代发工资)")
        }
        _ = try required(header, "TRSTYP", "SDKATSRQX")
        if let currency = CMBBankCodec.text(header.child("CCYNBR")), currency != "10" {
            throw BankCodecError("SDKATSRQX/CCYNBR: only 10 (CNY) is paid out")
        }
        let reference = try required(header, "YURREF", "SDKATSRQX")
        guard reference.utf8.count <= 30 else { throw BankCodecError("SDKATSRQX/YURREF over 30 bytes") }
        let records = request.records("SDKATDRQX")
        guard (1...maxLines).contains(records.count) else {
            throw BankCodecError("\(records.count) SDKATDRQX: AgentRequest takes 1 to \(maxLines)")
        }
        var lines: [Line] = []
        for (index, record) in records.enumerated() {
            let name = "SDKATDRQX \(index + 1)"
            let flag = CMBBankCodec.text(record.child("BNKFLG")) ?? "Y"
            guard flag == "Y" || flag == "N" else { throw BankCodecError("\(name): BNKFLG must be Y or N") }
            var line = Line(sequence: index + 1, account: try required(record, "ACCNBR", name),
                            name: try required(record, "CLTNAM", name),
                            amount: try amount(try required(record, "TRSAMT", name), name + "/TRSAMT"), sameBank: flag == "Y",
                            bank: CMBBankCodec.text(record.child("EACBNK")), city: CMBBankCodec.text(record.child("EACCTY")),
                            note: CMBBankCodec.text(record.child("TRSDSP")))
            if !line.sameBank {
                line.bank = try required(record, "EACBNK", name)
                line.city = try required(record, "EACCTY", name)
            }
            lines.append(line)
        }
        guard try required(header, "TOTAL", "SDKATSRQX") == String(lines.count) else {
            throw BankCodecError("SDKATSRQX/TOTAL is not the number of SDKATDRQX")
        }
        let total = lines.reduce(Int64(0)) { $0 + $1.amount.minorUnits }
        guard try amount(try required(header, "SUM", "SDKATSRQX"), "SDKATSRQX/SUM").minorUnits == total else {
            throw BankCodecError("SDKATSRQX/SUM is not the sum of the lines")
        }
        return CMBPayrollRequest(reference: reference, debtorAccount: try required(header, "DBTACC", "SDKATSRQX"),
                                 debtorBranch: try required(header, "BBKNBR", "SDKATSRQX"),
                                 memo: try required(header, "MEMO", "SDKATSRQX"), lines: lines)
    }
}

/// CMB's rules for a payroll batch: the duplicate check on the batch's `YURREF`, a process number
/// (`REQNBR`), then each line on its own (a refused line fails alone: the batch is partly paid,
/// `RTNFLG=S` with `RSV62Z` starting with `P`). Each executed line shows in `GET /sim/ledger` as
/// `<YURREF>/<line number>`. The `NTAGCQRI` answer (summary and lines) is stored under the `YURREF`.
enum CMBPayrollExecution {
    /// What one batch came to.
    enum Outcome: Hashable, Sendable {
        /// The `YURREF` was received before: nothing done.
        case duplicate
        /// Executed (wholly, partly or not at all): the batch's process number.
        case executed(requestNumber: String, paid: Int)
    }

    /// `RSV62Z` of a partly paid batch (its first character is what the format defines).
    static let partialMark = "P"

    static func run(_ payroll: CMBPayrollRequest, profile: CMBProfile, on execution: inout PaymentExecution) throws -> Outcome {
        let key = payroll.reference
        if try execution.storedAnswer(key: key) != nil { return .duplicate }
        let sequence = try execution.record(key: key, status: "OPR", answer: Array("<pending/>".utf8))
        let requestNumber = CMBExecution.requestNumber(sequence)
        let branchRefusal = profile.branchMatches(payroll.debtorBranch, number: payroll.debtorAccount)
            ? nil : TransferRejection(code: "AC01", text: "debtor branch is not the account's")
        var lineRecords: [CMBBankCodec.Record] = []
        var paid = 0
        var paidAmount: Int64 = 0
        for line in payroll.lines {
            let result: Result<Money, TransferRejection>
            if let branchRefusal {
                result = .failure(branchRefusal)
            } else {
                result = try execution.execute(LedgerInstruction(
                    key: key, paymentInformationId: requestNumber, instructionId: line.note ?? "\(key)/\(line.sequence)",
                    endToEndId: "\(key)/\(line.sequence)", debtorAccount: payroll.debtorAccount,
                    openingCurrency: CCBExecution.cny, amount: .success(line.amount), creditorAccount: line.account))
            }
            var fields: [String: String] = [
                "REQNBR": requestNumber, "YURREF": key, "TRXSEQ": padded(line.sequence, to: 8), "ACCNBR": line.account,
                "ACCNAM": line.name, "TRSAMT": line.amount.decimalString, "TRSDSP": line.note ?? "",
                "BNKFLG": line.sameBank ? "Y" : "N", "EACBNK": line.bank ?? "", "EACCTY": line.city ?? "",
            ]
            switch result {
            case .success(let amount):
                paid += 1
                paidAmount += amount.minorUnits
                fields["STSCOD"] = "S"
            case .failure(let rejection):
                let error = CMBExecution.errorCode(rejection)
                fields["STSCOD"] = "E"
                fields["ERRCOD"] = error.code
                fields["ERRTXT"] = error.text
            }
            lineRecords.append(CMBBankCodec.Record(name: "NTAGCQRIZ", fields: fields))
        }
        let total = payroll.lines.reduce(Int64(0)) { $0 + $1.amount.minorUnits }
        let cny = CCBExecution.cny
        var summary: [String: String] = [
            "REQNBR": requestNumber, "BUSCOD": CMBPayrollRequest.businessCode, "BUSMOD": "00001",
            "OPRDAT": CMBBankCodec.chinaDate(execution.executedAt), "REQSTA": "FIN", "RTNFLG": paid == 0 ? "F" : "S",
            "BBKNBR": payroll.debtorBranch, "ACCNBR": payroll.debtorAccount,
            "ACCNAM": profile.knownAccount(payroll.debtorAccount)?.name ?? "", "TRSNUM": padded(payroll.lines.count, to: 6),
            "TOTAMT": Money(minorUnits: total, currency: cny).decimalString, "CCYNBR": "10", "TRSTYP": "BYSA",
            "SUCNUM": padded(paid, to: 6), "SUCAMT": Money(minorUnits: paidAmount, currency: cny).decimalString,
            "NUSAGE": payroll.memo, "YURREF": key,
        ]
        if paid == 0 {
            summary["ERRDSP"] = "无一笔成功入账"
        } else if paid < payroll.lines.count {
            summary["RSV62Z"] = partialMark
        }
        let records = [CMBBankCodec.Record(name: "NTAGCINQZ", fields: summary)] + lineRecords
        let stored = records.map { String(decoding: CMBBankCodec.fragment($0), as: UTF8.self) }.joined(separator: "\n")
        // Lines that passed are booked; refused lines never were.
        try execution.commit()
        try execution.replaceAnswer(key: key, status: "FIN/" + (summary["RTNFLG"] ?? "F"), answer: Array(stored.utf8))
        return .executed(requestNumber: requestNumber, paid: paid)
    }

    private static func padded(_ value: Int, to width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension SimulatedBank {
    /// `AgentRequest`: the batch executed line by line, answered with its process number
    /// (`NTREQNBRY`, `RSV50Z=BNK`); a `YURREF` received before is `RETCOD=-2` (业务参考号重复, nothing done).
    func cmbPayroll(_ request: CMBBankCodec.Request, profile: CMBProfile) async -> BankAnswer {
        func envelope(_ code: String, _ message: String, records: [CMBBankCodec.Record] = []) -> [UInt8] {
            CMBBankCodec.answer(function: request.function, loginName: request.loginName, returnCode: code,
                                errorMessage: message, records: records)
        }
        func answer(_ body: [UInt8], effect: BankAnswer.Effect) -> BankAnswer {
            BankAnswer(httpStatus: 200, body: body, contentType: Self.cmbContentType, effect: effect)
        }
        let payroll: CMBPayrollRequest
        do {
            payroll = try CMBPayrollRequest.read(request)
        } catch {
            return answer(envelope("-3", "数据格式错误: \(error.message)"), effect: .unreadable(reason: error.message))
        }
        let decision = faults.nextDecision()
        if decision == .fail {
            return answer(envelope("-5", "请求太频繁"), effect: .refusedForNow)
        }
        let now = clock.now()
        let accountsListed = self.accountsListed
        let outcome: CMBPayrollExecution.Outcome
        do {
            outcome = try await database.write { db in
                var execution = PaymentExecution(db: db, accountsListed: accountsListed, executedAt: now)
                return try CMBPayrollExecution.run(payroll, profile: profile, on: &execution)
            }
        } catch {
            logger.error("bank simulator ledger write failed", metadata: ["error": "\(error)"])
            return answer(envelope("-2", "执行失败"), effect: .refusedForNow)
        }
        var result: BankAnswer
        switch outcome {
        case .duplicate:
            logger.info("AgentRequest duplicate YURREF", metadata: ["fault": "\(decision)"])
            result = answer(envelope("-2", CMBExecution.duplicateText), effect: .handled(subject: payroll.reference))
        case .executed(let requestNumber, let paid):
            logger.info("AgentRequest executed", metadata: [
                "lines": "\(payroll.lines.count)", "paid": "\(paid)", "fault": "\(decision)",
            ])
            result = answer(envelope("0", "", records: [CMBBankCodec.Record(name: "NTREQNBRY", fields: [
                "REQNBR": requestNumber, "RSV50Z": "BNK",
            ])]), effect: .handled(subject: payroll.reference))
        }
        result.apply(decision)
        return result
    }

    /// `NTAGCQRI`: the summary (`NTAGCINQZ`) and the lines (`NTAGCQRIZ`) stored under `NTAGCQRIY/YURREF`
    /// by an `AgentRequest`; nothing for a `YURREF` the bank never received as a payroll.
    func cmbPayrollStatus(_ request: CMBBankCodec.Request) async throws -> BankAnswer {
        guard let query = request.records("NTAGCQRIY").first else { throw BankCodecError("missing NTAGCQRIY") }
        guard CMBBankCodec.text(query.child("BUSCOD")) == CMBPayrollRequest.businessCode else {
            throw BankCodecError("NTAGCQRIY/BUSCOD must be \(CMBPayrollRequest.businessCode)")
        }
        guard let reference = CMBBankCodec.text(query.child("YURREF")) else { throw BankCodecError("NTAGCQRIY: missing YURREF") }
        let stored = try await database.read { db in try SimulatorLedger.storedAnswer(messageId: reference, on: db) }
        let found = stored.flatMap { $0.starts(with: Array("<NTAGCINQZ>".utf8)) ? [$0] : nil } ?? []
        return BankAnswer(httpStatus: 200,
                          body: CMBBankCodec.answer(function: request.function, loginName: request.loginName, returnCode: "0",
                                                    stored: found),
                          contentType: Self.cmbContentType, effect: .handled(subject: reference))
    }
}
