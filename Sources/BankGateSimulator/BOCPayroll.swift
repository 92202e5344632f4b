import BankGateCore
import BankGateXML
import BankGateStore
import Logging

/// A `b2e0078-rq` payroll batch (快捷代发) as received: the batch's `insid`, its totals, the paying
/// account and a `detail` per line.
struct BOCPayrollRequest: Hashable, Sendable {
    struct Line: Hashable, Sendable {
        var creditorAccount: String
        var creditorName: String
        var amount: Money
    }

    /// `insid`: the batch's instruction id and the duplicate-check key.
    var instructionId: String
    var debtorBranch: String
    var debtorAccount: String
    var lines: [Line]

    /// Reads the request's one `b2e0078-rq`; `pybnum` and `pybamt` must agree with the lines.
    /// - Throws: ``BOCBankCodec/Refusal`` `B010` naming the field: nothing is executed.
    static func read(_ request: BOCBankCodec.Request) throws(BOCBankCodec.Refusal) -> BOCPayrollRequest {
        guard request.records.count == 1, let record = request.records.first else {
            throw .format("b2e0078 须为1笔 b2e0078-rq")
        }
        func required(_ node: XMLNode, _ path: String...) throws(BOCBankCodec.Refusal) -> String {
            guard let value = BOCBankCodec.text(node.descendant(path: path)) else {
                throw .format("b2e0078-rq 缺少 \(path.joined(separator: "/"))")
            }
            return value
        }
        func amount(_ text: String, _ field: String) throws(BOCBankCodec.Refusal) -> Money {
            guard let money = try? Money(parsing: text, currency: CCBExecution.cny), money.minorUnits > 0 else {
                throw .format("b2e0078-rq \(field) 须为正数")
            }
            return money
        }
        let instructionId = try required(record, "insid")
        guard instructionId.utf8.count <= 30 else { throw .format("b2e0078-rq insid 超过30位") }
        guard try required(record, "pybcur") == "CNY" else { throw .format("b2e0078-rq pybcur 只支持CNY") }
        var lines: [Line] = []
        for detail in record.children("detail") {
            lines.append(Line(creditorAccount: try required(detail, "toactn"), creditorName: try required(detail, "toname"),
                              amount: try amount(try required(detail, "pydamt"), "detail/pydamt")))
        }
        guard !lines.isEmpty, String(lines.count) == (try required(record, "pybnum")) else {
            throw .format("b2e0078-rq pybnum 与明细笔数不符")
        }
        let total = lines.reduce(Int64(0)) { $0 + $1.amount.minorUnits }
        guard try amount(try required(record, "pybamt"), "pybamt").minorUnits == total else {
            throw .format("b2e0078-rq pybamt 与明细合计不符")
        }
        return BOCPayrollRequest(instructionId: instructionId, debtorBranch: try required(record, "fractn", "fribkn"),
                                 debtorAccount: try required(record, "fractn", "actacn"), lines: lines)
    }
}

/// BOC's rules for a payroll batch: the duplicate check on the batch's `insid`, then every line or
/// none (the simulator's choice: BOC's per-line results are not public, so the gateway reads one
/// result per batch). Each executed line shows in `GET /sim/ledger` as `<insid>/<line number>`.
enum BOCPayrollExecution {
    static func run(_ payroll: BOCPayrollRequest, profile: BOCProfile,
                    on execution: inout PaymentExecution) throws -> BOCExecution.Outcome {
        let key = payroll.instructionId
        if try execution.storedAnswer(key: key) != nil {
            return BOCExecution.Outcome(instructionId: key, status: BOCExecution.duplicate, serial: "")
        }
        let serial = CCBBankCodec.padded(try execution.record(key: key, status: "RCV", answer: Array("<pending/>".utf8)), to: 19)
        var failure: TransferRejection?
        if !profile.branchMatches(payroll.debtorBranch, number: payroll.debtorAccount) {
            failure = TransferRejection(code: "AC01", text: "debtor branch is not the account's")
        }
        for (index, line) in payroll.lines.enumerated() where failure == nil {
            let result = try execution.execute(LedgerInstruction(
                key: key, paymentInformationId: serial, instructionId: key, endToEndId: "\(key)/\(index + 1)",
                debtorAccount: payroll.debtorAccount, openingCurrency: CCBExecution.cny, amount: .success(line.amount),
                creditorAccount: line.creditorAccount))
            if case .failure(let rejection) = result { failure = rejection }
        }
        let status = failure.map(BOCExecution.refusal) ?? BOCBankCodec.ok
        // Nothing is booked unless every line passed: the lines booked so far are dropped with `execution`.
        if failure == nil { try execution.commit() }
        var xml = XMLWriter(capacity: 256)
        xml.open(BOCExecution.recordName)
        for (name, value) in [("rspcod", status.code), ("rspmsg", failure == nil ? "交易成功" : status.message),
                              ("insid", key), ("obssid", serial)] {
            xml.element(name, value)
        }
        xml.close(BOCExecution.recordName)
        try execution.replaceAnswer(key: key, status: status.code, answer: xml.bytes)
        return BOCExecution.Outcome(instructionId: key, status: status, serial: serial)
    }
}

extension SimulatedBank {
    /// `b2e0078`: the batch executed whole or not at all, answered with one `b2e0078-rs` for its `insid`.
    func bocPayroll(_ request: BOCBankCodec.Request, profile: BOCProfile, serverTime: String,
                    answer: (BOCBankCodec.Refusal, BankAnswer.Effect, ((inout XMLWriter) -> Void)?) -> BankAnswer) async -> BankAnswer {
        let payroll: BOCPayrollRequest
        do {
            payroll = try BOCPayrollRequest.read(request)
        } catch {
            return answer(error, .unreadable(reason: error.message), nil)
        }
        let decision = faults.nextDecision()
        if decision == .fail {
            return answer(BOCBankCodec.Refusal.busy, .refusedForNow, nil)
        }
        let now = clock.now()
        let accountsListed = self.accountsListed
        let outcome: BOCExecution.Outcome
        do {
            outcome = try await database.write { db in
                var execution = PaymentExecution(db: db, accountsListed: accountsListed, executedAt: now)
                return try BOCPayrollExecution.run(payroll, profile: profile, on: &execution)
            }
        } catch {
            logger.error("bank simulator ledger write failed", metadata: ["error": "\(error)"])
            return answer(BOCBankCodec.Refusal.busy, .refusedForNow, nil)
        }
        logger.info("b2e0078 handled", metadata: ["lines": "\(payroll.lines.count)", "fault": "\(decision)"])
        var result = answer(BOCBankCodec.ok, .handled(subject: payroll.instructionId)) { xml in
            xml.open("b2e0078-rs")
            BOCBankCodec.writeStatus(outcome.status.code, outcome.status.message, to: &xml)
            xml.element("insid", outcome.instructionId)
            xml.element("obssid", outcome.serial)
            xml.close("b2e0078-rs")
        }
        result.apply(decision)
        return result
    }
}
