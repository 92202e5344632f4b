import BankGateCore
import BankGateStatements
import Logging
import BankGateStore

/// Statements: camt.060 account reporting requests answered with camt.053, camt.052 or MT940.
extension SimulatedBank {
    /// Answers a camt.060 (`POST /reports`): 200 with the statements of the period (camt as
    /// `application/xml`, MT940 as `text/plain`), 204 when no day of the period has a statement to give,
    /// 400 for a request that cannot be read (a DTD included), 404 for an unknown account, 503 in
    /// maintenance. Never failed, dropped or garbled by the payment fault rates.
    public func answerReportRequest(_ bytes: [UInt8]) async -> BankAnswer {
        if let refusal = maintenanceRefusal() { return await delayed(refusal) }
        let request: StatementRequest
        switch parse(bytes) {
        case .failure(let error):
            return await delayed(.text(400, "report request refused: \(error.message)",
                                       effect: .unreadable(reason: error.message)))
        case .success(let root):
            do {
                request = try StatementRequest.read(root)
            } catch {
                return await delayed(.text(400, "report request refused: \(error.message)",
                                           effect: .unreadable(reason: error.message)))
            }
        }
        return await delayed(await statementAnswer(request))
    }

    /// `GET /sim/statements`: the same answers without a camt.060. `to` defaults to today, `from` to `to`,
    /// `format` to `camt053` (also `camt052`, `mt940`, `camt053v02`).
    public func answerStatementQuery(account: String?, from: String?, to: String?, format: String?) async -> BankAnswer {
        if let refusal = maintenanceRefusal() { return await delayed(refusal) }
        guard let message = StatementMessage(queryValue: format ?? "camt053") else {
            return await delayed(.text(400, "format must be camt053, camt053v02, camt052, camt054 or mt940",
                                       effect: .unreadable(reason: "unknown format")))
        }
        guard let account else {
            return await delayed(.text(400, "give account=IBAN", effect: .unreadable(reason: "no account")))
        }
        let toDate = to ?? SimulatorDay.date(SimulatorDay.of(clock.now()))
        do {
            let request = try StatementRequest.make(requestId: nil, message: message, account: account,
                                                    from: from ?? toDate, to: toDate, fromName: "from", toName: "to")
            return await delayed(await statementAnswer(request))
        } catch {
            return await delayed(.text(400, "statement query refused: \(error.message)",
                                       effect: .unreadable(reason: error.message)))
        }
    }

    /// The days withheld by the gap fault for `account`, and whether each was delivered since.
    public func statementDeliveries(account: String) async throws -> [(day: String, withheld: Bool, delivered: Bool)] {
        try await database.read { db in try SimulatorLedger.statementDeliveries(account: account, on: db) }
    }

    private func statementAnswer(_ request: StatementRequest) async -> BankAnswer {
        let now = clock.now()
        let today = SimulatorDay.of(now)
        let settings = faults.settings
        let origin = statementOrigin
        let draws = StatementDraws(seed: settings.seed ?? origin.seed)
        let subject = request.requestId ?? "statements"
        let selection: (account: SimulatedAccount, statements: [DailyStatement], withheld: Int)?
        do {
            selection = try await database.write { db in
                guard let account = try SimulatorLedger.account(request.account, on: db) else { return nil }
                let history = try SimulatorLedger.history(of: account, epochDay: origin.epochDay, on: db)
                // End-of-day: every day of the period that has begun; camt.052: the last day only.
                let first = request.message.isEndOfDay ? max(request.fromDay, origin.epochDay) : request.toDay
                let last = min(request.toDay, today)
                guard first >= origin.epochDay else { return (account, [], 0) }
                let computed = StatementCalendar.statements(
                    history: history, firstDay: first, lastDay: last, now: now, settings: settings, draws: draws,
                    endOfDay: request.message.isEndOfDay)
                // The gap fault loses end-of-day statements; intraday reports and notifications are
                // answered as computed.
                guard request.message.isEndOfDay, request.message != .camt054v08 else { return (account, computed, 0) }
                var delivered: [DailyStatement] = []
                for statement in computed {
                    let withhold = draws.hits("statement-gap", rate: settings.statementGapRate, account: account.number,
                                              day: statement.day)
                    if try SimulatorLedger.deliverStatement(account: account.number, day: statement.day,
                                                            withhold: withhold, now: now, on: db) {
                        delivered.append(statement)
                    }
                }
                return (account, delivered, computed.count - delivered.count)
            }
        } catch {
            logger.error("bank simulator ledger read failed", metadata: ["error": "\(error)"])
            return .text(500, "ledger error", effect: .refusedForNow)
        }
        guard let selection else {
            return .text(404, "unknown account: no such account at this bank", effect: .handled(subject: subject))
        }
        logger.info("statements answered", metadata: [
            "message": "\(request.message.rawValue)", "days": "\(selection.statements.count)",
            "withheld": "\(selection.withheld)",
        ])
        guard !selection.statements.isEmpty else {
            return BankAnswer(httpStatus: 204, body: [], contentType: "text/plain; charset=utf-8",
                              effect: .handled(subject: subject))
        }
        let context = StatementDocument.Context(account: selection.account, messageId: nextReportId(now), now: now)
        do {
            let (body, contentType) = try StatementDocument.write(selection.statements, message: request.message,
                                                                  context: context)
            return BankAnswer(httpStatus: 200, body: body, contentType: contentType, effect: .handled(subject: subject))
        } catch {
            logger.error("bank simulator could not write a statement", metadata: ["error": "\(error)"])
            return .text(500, "statement could not be written", effect: .refusedForNow)
        }
    }
}
