import BankGateAdapters
import BankGateCore
import BankGateCrypto
import BankGateStore
import BankGateXML
import Logging

/// The ISO 20022 profile's requests: pain.001 in, pain.002.001.10 out, status queries, folder mode.
extension SimulatedBank {
    /// Receives a pain.001 (`POST /payments`): executes it unless a fault or the maintenance window says
    /// otherwise, and returns the answer to deliver.
    public func receivePayment(_ bytes: [UInt8]) async -> BankAnswer {
        await receivePayment(bytes, signatures: nil)
    }

    /// ``receivePayment(_:)`` of a bank that checks the XML signature of every pain.001 when
    /// `signatures` has a key for it.
    func receivePayment(_ bytes: [UInt8], signatures: SimulatorSignatures?) async -> BankAnswer {
        if let refusal = maintenanceRefusal() { return await delayed(refusal) }
        await executeDuePayments()
        switch parse(bytes) {
        case .failure(let error):
            return await delayed(.text(400, "message refused: \(error.message)", effect: .unreadable(reason: error.message)))
        case .success(let root):
            guard ISO20022BankCodec.kind(of: root) == .paymentInitiation else {
                let reason = "not a pain.001 document (Document/CstmrCdtTrfInitn)"
                return await delayed(.text(400, "message refused: \(reason)", effect: .unreadable(reason: reason)))
            }
            return await delayed(await executePayment(root, bytes: bytes, verifyingKey: signatures?.verifyingKey))
        }
    }

    /// Answers a status query (`POST /status`): the stored pain.002 of a received message (200), or a
    /// pain.002 with group status RJCT and reason NOTFOUND (404). Never subject to injected failures,
    /// drops or malformed answers; only the maintenance window refuses it.
    public func answerStatusQuery(_ bytes: [UInt8]) async -> BankAnswer {
        if let refusal = maintenanceRefusal() { return await delayed(refusal) }
        await executeDuePayments()
        return await delayed(await statusAnswer(bytes))
    }

    /// Receives a message of either kind (folder mode), telling them apart by their root element.
    public func receive(_ bytes: [UInt8]) async -> BankAnswer {
        await receive(bytes, signatures: nil)
    }

    /// ``receive(_:)`` of a bank that checks the XML signature of every pain.001 when `signatures`
    /// has a key for it, as over HTTP.
    func receive(_ bytes: [UInt8], signatures: SimulatorSignatures?) async -> BankAnswer {
        if let refusal = maintenanceRefusal() { return await delayed(refusal) }
        await executeDuePayments()
        switch parse(bytes) {
        case .failure(let error):
            return await delayed(.text(400, "message refused: \(error.message)", effect: .unreadable(reason: error.message)))
        case .success(let root):
            switch ISO20022BankCodec.kind(of: root) {
            case .paymentInitiation:
                return await delayed(await executePayment(root, bytes: bytes, verifyingKey: signatures?.verifyingKey))
            case .statusQuery: return await delayed(await statusAnswer(bytes))
            case nil:
                let reason = "neither a pain.001 nor a status query"
                return await delayed(.text(400, "message refused: \(reason)", effect: .unreadable(reason: reason)))
            }
        }
    }

    /// The stored answer to a received message, or `nil` when the bank never received `messageId`.
    public func storedAnswer(messageId: String) async throws -> [UInt8]? {
        try await database.read { db in try SimulatorLedger.storedAnswer(messageId: messageId, on: db) }
    }

    private func executePayment(_ root: XMLNode, bytes: [UInt8], verifyingKey: VerifyingKey?) async -> BankAnswer {
        let initiation: PaymentInitiation
        do {
            initiation = try ISO20022BankCodec.readPaymentInitiation(root)
        } catch {
            return .text(400, "message refused: \(error.message)", effect: .unreadable(reason: error.message))
        }
        if let verifyingKey {
            let verification = XMLDSig.verify(bytes, with: verifyingKey)
            if let problem = verification.problem {
                // Refused as a bank refuses an unsigned or badly signed file: a group rejection, nothing
                // executed and nothing recorded (a correctly signed resend is not a duplicate).
                logger.info("message refused: signature", metadata: ["msg_id": "\(initiation.messageId)", "reason": "\(problem)"])
                let now = clock.now()
                return .report(ISO20022BankCodec.groupRejection(
                    reportId: nextReportId(now), createdAt: now, originalMessageId: initiation.messageId,
                    originalMessageNameId: initiation.messageNameId,
                    reason: StatusReason(code: verification == .missing ? "DS0A" : "DS0B", text: problem)),
                    subject: initiation.messageId)
            }
        }
        let decision = faults.nextDecision()
        if decision == .fail {
            return .text(500, "injected failure: the message was not executed", effect: .refusedForNow)
        }
        let now = clock.now()
        let reportId = nextReportId(now)
        let accountsListed = self.accountsListed
        let result: ISO20022Execution.Result
        do {
            result = try await database.write { db in
                var execution = PaymentExecution(db: db, accountsListed: accountsListed, executedAt: now)
                return try ISO20022Execution.run(initiation, bytes: bytes, reportId: reportId, today: CalendarDay(now),
                                                 on: &execution)
            }
        } catch {
            logger.error("bank simulator ledger write failed", metadata: ["error": "\(error)"])
            return .text(500, "ledger error: the message was not executed", effect: .refusedForNow)
        }
        var answer: BankAnswer
        switch result {
        case .duplicate:
            logger.info("duplicate message refused", metadata: ["msg_id": "\(initiation.messageId)"])
            answer = .report(ISO20022BankCodec.groupRejection(
                reportId: reportId, createdAt: now, originalMessageId: initiation.messageId,
                originalMessageNameId: initiation.messageNameId,
                reason: StatusReason(code: "DUPL", text: "message id already received")),
                subject: initiation.messageId)
        case .processed(let body, let groupStatus, let executed, let rejected):
            logger.info("message executed", metadata: [
                "msg_id": "\(initiation.messageId)", "group_status": "\(groupStatus)",
                "executed": "\(executed)", "rejected": "\(rejected)", "fault": "\(decision)",
            ])
            answer = .report(body, subject: initiation.messageId)
        }
        answer.apply(decision)
        return answer
    }

    private func statusAnswer(_ bytes: [UInt8]) async -> BankAnswer {
        let query: (queryId: String, originalMessageId: String)
        do {
            query = try ISO20022Adapter.decodeStatusQuery(bytes)
        } catch {
            return .text(400, "status query refused: \(error.description)", effect: .unreadable(reason: error.description))
        }
        let stored: [UInt8]?
        do {
            stored = try await storedAnswer(messageId: query.originalMessageId)
        } catch {
            logger.error("bank simulator ledger read failed", metadata: ["error": "\(error)"])
            return .text(500, "ledger error", effect: .refusedForNow)
        }
        if let stored { return .report(stored, subject: query.queryId) }
        let now = clock.now()
        let body = ISO20022BankCodec.groupRejection(
            reportId: nextReportId(now), createdAt: now, originalMessageId: query.originalMessageId,
            originalMessageNameId: "pain.001.001.09",
            reason: StatusReason(code: ISO20022Adapter.notFoundReason, proprietary: true,
                                 text: "no message with this id was received"))
        return .report(body, status: 404, subject: query.queryId)
    }

    /// Parses an ISO 20022 document with the hardened parser (no DTD, at most 64 MiB).
    func parse(_ bytes: [UInt8]) -> Result<XMLNode, BankCodecError> {
        do {
            return .success(try HardenedXML.parse(bytes, maxBytes: ISO20022BankCodec.maxMessageBytes))
        } catch {
            return .failure(BankCodecError(error.description))
        }
    }
}

/// The ISO 20022 rules of one pain.001 on top of the profile-independent ``PaymentExecution``: the
/// duplicate check on `MsgId`, the consistency check (FF01), the transfers in document order, and the
/// pain.002 stored under the `MsgId`.
enum ISO20022Execution {
    /// What executing one pain.001 did.
    enum Result: Hashable, Sendable {
        /// The message was new: its transfers were executed or rejected, and `answer` was stored with it.
        case processed(answer: [UInt8], groupStatus: String, executed: Int, rejected: Int)
        /// The `MsgId` had been received before: nothing was done.
        case duplicate
    }

    /// Executes `initiation` (`bytes` as received); the caller runs this in a write transaction.
    /// A message whose requested execution date is after `today` is accepted pending (`PDNG`) and
    /// kept until that day (``SimulatedBank/executeDuePayments()``).
    static func run(_ initiation: PaymentInitiation, bytes: [UInt8], reportId: String, today: CalendarDay,
                    on execution: inout PaymentExecution) throws -> Result {
        let receivedAt = execution.executedAt
        if try execution.storedAnswer(key: initiation.messageId) != nil { return .duplicate }
        if let problem = initiation.groupProblem {
            let answer = ISO20022BankCodec.groupRejection(
                reportId: reportId, createdAt: receivedAt, originalMessageId: initiation.messageId,
                originalMessageNameId: initiation.messageNameId, reason: StatusReason(code: "FF01", text: problem))
            try execution.record(key: initiation.messageId, status: "RJCT", answer: answer)
            return .processed(answer: answer, groupStatus: "RJCT", executed: 0, rejected: initiation.allTransfers.count)
        }
        if let day = initiation.executionDate(after: today) {
            let answer = ISO20022BankCodec.writeStatusReport(StatusReportDocument(
                reportId: reportId, createdAt: receivedAt, originalMessageId: initiation.messageId,
                originalMessageNameId: initiation.messageNameId, groupStatus: "PDNG", groupReason: nil,
                paymentInformations: initiation.paymentInformations.map { info in
                    PaymentInformationStatusLine(paymentInformationId: info.id, status: "PDNG", transfers: info.transfers.map {
                        TransferStatusLine(instructionId: $0.instructionId, endToEndId: $0.endToEndId, status: "PDNG")
                    })
                }))
            try execution.record(key: initiation.messageId, status: "PDNG", answer: answer)
            try SimulatorLedger.recordPending(messageId: initiation.messageId, executionDate: day, bytes: bytes, on: execution.db)
            return .processed(answer: answer, groupStatus: "PDNG", executed: 0, rejected: 0)
        }
        let (answer, groupStatus, count) = try executeTransfers(initiation, reportId: reportId, on: &execution)
        try execution.record(key: initiation.messageId, status: groupStatus, answer: answer)
        let executed = try execution.commit()
        return .processed(answer: answer, groupStatus: groupStatus, executed: executed, rejected: count - executed)
    }

    /// Executes a pending message on its day: its stored answer becomes the final report.
    /// Returns how many transfers were executed.
    static func executePending(_ initiation: PaymentInitiation, reportId: String, on execution: inout PaymentExecution) throws -> Int {
        let (answer, groupStatus, _) = try executeTransfers(initiation, reportId: reportId, on: &execution)
        try execution.replaceAnswer(key: initiation.messageId, status: groupStatus, answer: answer)
        try SimulatorLedger.removePending(messageId: initiation.messageId, on: execution.db)
        return try execution.commit()
    }

    /// Applies the ledger's rules to every transfer; the report, its group status and the number of transfers.
    private static func executeTransfers(_ initiation: PaymentInitiation, reportId: String,
                                         on execution: inout PaymentExecution) throws -> ([UInt8], String, Int) {
        let receivedAt = execution.executedAt
        var lines: [PaymentInformationStatusLine] = []
        for info in initiation.paymentInformations {
            let openingCurrency = info.debtorAccountCurrency.flatMap(Currency.init(code:))
                ?? info.transfers.lazy.compactMap { Currency(code: $0.currencyCode) }.first
            var transferLines: [TransferStatusLine] = []
            for transfer in info.transfers {
                let instruction = LedgerInstruction(
                    key: initiation.messageId, paymentInformationId: info.id, instructionId: transfer.instructionId,
                    endToEndId: transfer.endToEndId, debtorAccount: info.debtorAccount, openingCurrency: openingCurrency,
                    amount: transfer.amount, creditorAccount: transfer.creditorAccount)
                switch try execution.execute(instruction) {
                case .success:
                    transferLines.append(TransferStatusLine(instructionId: transfer.instructionId,
                                                            endToEndId: transfer.endToEndId, status: "ACSC"))
                case .failure(let rejection):
                    transferLines.append(TransferStatusLine(
                        instructionId: transfer.instructionId, endToEndId: transfer.endToEndId, status: "RJCT",
                        reason: StatusReason(code: rejection.code, text: rejection.text)))
                }
            }
            lines.append(PaymentInformationStatusLine(
                paymentInformationId: info.id, status: StatusReportDocument.aggregate(transferLines.map(\.status)),
                transfers: transferLines))
        }
        let allStatuses = lines.flatMap { $0.transfers.map(\.status) }
        let groupStatus = StatusReportDocument.aggregate(allStatuses)
        let answer = ISO20022BankCodec.writeStatusReport(StatusReportDocument(
            reportId: reportId, createdAt: receivedAt, originalMessageId: initiation.messageId,
            originalMessageNameId: initiation.messageNameId, groupStatus: groupStatus, groupReason: nil,
            paymentInformations: lines))
        return (answer, groupStatus, allStatuses.count)
    }
}
