import BankGateCore
import BankGateStore
import Logging

/// The ABC profile's requests that go with a file in the client's folder (``ABCClientFiles``):
/// `CFRT03` reads the payroll file uploaded before it, `CQRA10` leaves a detail file and names it.
extension SimulatedBank {
    // MARK: - CFRT03

    /// `CFRT03` (代发工资): the request read (`SIMFMT` when incomplete), the payment faults drawn,
    /// then in one transaction the duplicate check on `ReqSeqNo`, the data file `Cmp/BatchFileName`
    /// read from the client's folder and its lines executed whole or not at all
    /// (``ABCExecution/runPayroll(_:total:count:file:profile:on:)``); answered as a payment is.
    func abcPayroll(_ request: ABCBankCodec.Request, profile: ABCProfile) async throws -> BankAnswer {
        let (payroll, total, count) = try ABCPayrollRequest.read(request)
        let file = try profile.clientFiles.read(payroll.fileName)
        let decision = faults.nextDecision()
        let now = clock.now()
        if decision == .fail {
            return abcAnswer(ABCBankCodec.answer(
                code: request.code, requestId: request.requestId, responseCode: ABCCodesOfSimulator.communicationError,
                info: "前置通讯异常", source: "2", at: now), effect: .refusedForNow)
        }
        let accountsListed = self.accountsListed
        let outcome = try await database.write { db in
            var execution = PaymentExecution(db: db, accountsListed: accountsListed, executedAt: now)
            return try ABCExecution.runPayroll(payroll, total: total, count: count, file: file, profile: profile, on: &execution)
        }
        logger.info("CFRT03 handled", metadata: ["file": "\(payroll.fileName)", "outcome": "\(outcome)", "fault": "\(decision)"])
        return abcPaymentAnswer(request, outcome: outcome, decision: decision, at: now)
    }

    // MARK: - CQRA10

    /// `CQRA10` (查询账户交易明细): the bookings of `Cmp/DbAccNo` whose China date is from
    /// `Corp/StartDate` to `EndDate`, after the line `Channel/LastJrnNo` (`0`: from the start), at
    /// most ``ABCProfile/detailLinesPerFile`` of them, written to a detail file in the client's
    /// folder (``ABCDetailFileWriter``) named `<DbAccNo>.<ReqSeqNo>.det`. The answer: `0000`,
    /// `FileFlag 1`, `Cme` (`RecordNum`, `FieldNum 33`), `Cmp` (`BatchFileName`, `ContFlag` `1` when
    /// more lines follow); no bookings: `FileFlag 0` and an empty `BatchFileName`. An account the
    /// ledger does not have (or a profile account named with another province) is `2003`.
    func abcDetails(_ request: ABCBankCodec.Request, profile: ABCProfile) async throws -> BankAnswer {
        guard let first = request.value("Corp", "StartDate"), let last = request.value("Corp", "EndDate"),
              CMBBankCodec.dayNumber(first) != nil, CMBBankCodec.dayNumber(last) != nil, first <= last else {
            throw BankCodecError("CQRA10 needs Corp/StartDate ≤ Corp/EndDate, YYYYMMDD")
        }
        let now = clock.now()
        guard let (account, province, _) = try await abcNamedAccount(request, profile: profile) else {
            return abcAccountRefusal(request, at: now)
        }
        let number = account.number
        let movements = try await database.read { db in try SimulatorLedger.movements(of: account, on: db) }
        let all = ABCDetailFileWriter.lines(movements, first: first, last: last)
        let remaining = ABCDetailFileWriter.after(request.value("Channel", "LastJrnNo"), in: all)
        let lines = remaining.prefix(max(1, profile.detailLinesPerFile))
        let more = remaining.count > lines.count
        var fileName = ""
        if !lines.isEmpty {
            fileName = "\(number).\(request.requestId).det"
            try profile.clientFiles.write(fileName, ABCDetailFileWriter.file(
                lines, province: province, account: account, accountName: profile.knownAccount(number)?.name ?? "",
                counterpartyName: { profile.knownAccount($0)?.name ?? "" }))
        }
        let body = ABCBankCodec.answer(
            code: request.code, requestId: request.requestId, responseCode: ABCCodesOfSimulator.success, info: "交易成功",
            at: now,
            sections: [ABCBankCodec.Section(name: nil, fields: [("FileFlag", lines.isEmpty ? "0" : "1")]),
                       ABCBankCodec.Section(name: "Cme", fields: [("RecordNum", String(lines.count)),
                                                                  ("FieldNum", String(ABCDetailFileWriter.fieldCount))]),
                       ABCBankCodec.Section(name: "Cmp", fields: [("DbAccNo", number), ("BatchFileName", fileName),
                                                                  ("ContFlag", more ? "1" : "0")])])
        logger.info("CQRA10 handled", metadata: ["file": "\(fileName)", "lines": "\(lines.count)", "more": "\(more)"])
        return abcAnswer(body, effect: .handled(subject: request.requestId))
    }
}
