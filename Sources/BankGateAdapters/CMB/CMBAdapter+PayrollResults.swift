public import BankGateCore
import BankGateXML

/// What CMB answered to an `AgentRequest`, mapped to bankgate's terms.
public enum CMBPayrollAnswer: Hashable, Sendable {
    /// `RETCOD=0` with `NTREQNBRY`: the bank has the batch under its process number `REQNBR`. The
    /// outcome comes from the first three characters of `RSV50Z` (`BNK` 银行处理中, `OPR` 数据接收中,
    /// read as `REQSTS`), `submitted` when they are not a known status.
    case received(requestNumber: String?, outcome: TransactionOutcome)
    /// The front-end did nothing: send the same batch again later.
    case retryLater(String)
    /// Refused for good at the envelope.
    case refused(String)
    /// Proves nothing either way (unreadable, an unknown or failing `RETCOD` — among them, it is
    /// assumed, a duplicate `YURREF` — or `RETCOD=0` without `NTREQNBRY`): the batch must be asked about.
    case unknown(String)

    /// The engine's disposition of a payroll send with this answer.
    public var disposition: SendDisposition {
        switch self {
        case .received: .report
        case .retryLater(let reason): .retryLater(reason)
        case .refused(let reason): .fatal(reason)
        case .unknown(let reason): .unknown(reason)
        }
    }
}

/// What an `NTAGCQRI` answer says of one payroll batch.
public struct CMBPayrollResult: Hashable, Sendable {
    /// `NTAGCINQZ`: the batch's status (`REQSTA`, and `RTNFLG` when `REQSTA=FIN`), keyed by its `YURREF`.
    public var batch: TransactionOutcome
    /// Whether the batch is finished: its outcome is then final for every line the answer does not list.
    public var isFinal: Bool
    /// `REQSTA=FIN`, `RTNFLG=S` and `RSV62Z` starting with `P`: some lines were paid, some not.
    public var isPartial: Bool
    /// `REQNBR`: the bank's process number of the batch.
    public var requestNumber: String?
    /// The lines the answer gives a status for (`NTAGCQRIZ`), keyed by the transfer's instruction id.
    public var lines: [TransactionOutcome]

    /// The outcome for every line the answer does not list: the batch's while it is not finished, or
    /// finished whole (paid or failed); none for a partly paid batch, whose lines speak for themselves.
    public var groupOutcome: TransactionOutcome? {
        guard !isPartial else { return nil }
        var group = batch
        group.instructionId = nil
        return group
    }
}

extension CMBAdapter {
    /// Whether `bytes` is the front-end's answer to an `AgentRequest` (`INFO/FUNNAM`).
    static func isPayrollAnswer(_ bytes: [UInt8]) -> Bool {
        (try? CMBAnswer.read(bytes))?.function == "AgentRequest"
    }

    /// The category of one of CMB's codes, for the payroll readers.
    private func payrollCategory(_ kind: CMBCodeKind, _ code: String) -> BankCodeCategory? {
        codes.category(kind, code)
    }

    /// Reads the answer to an `AgentRequest` (`NTREQNBRY`: `REQNBR`, `RSV50Z`). Never throws: an
    /// answer that cannot be read is ``CMBPayrollAnswer/unknown(_:)``.
    public func decodePayrollAnswer(_ bytes: [UInt8]) -> CMBPayrollAnswer {
        let answer: CMBAnswer
        do {
            answer = try CMBAnswer.read(bytes)
        } catch {
            return .unknown("unreadable answer: \(error.description)")
        }
        let envelope = "RETCOD \(answer.returnCode)" + (answer.errorMessage.map { " \($0)" } ?? "")
        switch payrollCategory(.returnCode, answer.returnCode) {
        case .ok: break
        case .retryLater: return .retryLater(envelope)
        case .rejected: return .refused(envelope)
        default: return .unknown(envelope)
        }
        guard let record = answer.records("NTREQNBRY").first else {
            return .unknown("RETCOD 0 without the batch's process number (NTREQNBRY)")
        }
        let requestNumber = CMBAnswer.text(record.child("REQNBR"))
        let state = CMBAnswer.text(record.child("RSV50Z")).map { String($0.prefix(3)) }
        let status = state.flatMap { payrollCategory(.requestStatus, $0)?.paymentStatus } ?? .submitted
        return .received(requestNumber: requestNumber, outcome: TransactionOutcome(
            endToEndId: nil, instructionId: nil, bankStatus: state ?? "RETCOD 0", status: status))
    }

    /// Reads the answer to `NTAGCQRI` about the batch `reference` (its `YURREF`).
    ///
    /// The batch is the `NTAGCINQZ` whose `YURREF` is `reference`. Each `NTAGCQRIZ` is tied to its
    /// transfer by `TRSDSP`, where the line's instruction id was written (``lineNote(_:)``); when
    /// `TRSDSP` names none of `instructionIds`, by `TRXSEQ` (the line's position, 1-based) — only when the batch has exactly
    /// as many lines (`TRSNUM`) as `instructionIds`, which are then the lines in the order written.
    /// A line tied to neither is left out. Line statuses (`STSCOD`) are read through ``CMBCodes``.
    /// - Returns: `nil` when the answer has no summary for `reference` (the bank does not know it).
    /// - Throws: ``AdapterError`` for an unreadable answer or a `RETCOD` other than 0.
    public func decodePayrollStatusAnswer(_ bytes: [UInt8], reference: String,
                                          instructionIds: [String]) throws(AdapterError) -> CMBPayrollResult? {
        let answer = try CMBAnswer.read(bytes)
        guard payrollCategory(.returnCode, answer.returnCode) == .ok else {
            throw AdapterError("RETCOD \(answer.returnCode)" + (answer.errorMessage.map { " \($0)" } ?? ""), location: "INFO/RETCOD")
        }
        guard let summary = answer.records("NTAGCINQZ").first(where: { CMBAnswer.text($0.child("YURREF")) == reference }) else {
            return nil
        }
        func text(_ node: XMLNode, _ name: String) -> String? { CMBAnswer.text(node.child(name)) }
        let requestStatus = text(summary, "REQSTA")
        let resultFlag = text(summary, "RTNFLG")
        let requestCategory = requestStatus.flatMap { payrollCategory(.requestStatus, $0) }
        let isFinal = requestCategory == .final
        let isPartial = isFinal && resultFlag == "S" && text(summary, "RSV62Z")?.hasPrefix("P") == true
        let status: PaymentStatus
        if isFinal {
            status = resultFlag.flatMap { payrollCategory(.resultFlag, $0)?.paymentStatus } ?? .unknown
        } else {
            status = requestCategory?.paymentStatus ?? .unknown
        }
        let batchStatus = [requestStatus, isFinal ? resultFlag : nil, isPartial ? "P" : nil].compactMap { $0 }.joined(separator: "/")
        let batch = TransactionOutcome(endToEndId: nil, instructionId: reference, bankStatus: batchStatus.isEmpty ? "?" : batchStatus,
                                       status: status, reasonCode: text(summary, "ERRCOD"), reasonText: text(summary, "ERRDSP"))

        // The note written for each transfer asked about; a note two of them would share names neither.
        var byNote: [String: String] = [:]
        var shared: Set<String> = []
        for instructionId in instructionIds {
            let note = Self.lineNote(instructionId)
            if byNote.updateValue(instructionId, forKey: note) != nil { shared.insert(note) }
        }
        for note in shared { byNote[note] = nil }
        let byPosition = text(summary, "TRSNUM").flatMap { Int($0) } == instructionIds.count
        var lines: [TransactionOutcome] = []
        for record in answer.records("NTAGCQRIZ") {
            if let batchReference = text(record, "YURREF"), batchReference != reference { continue }
            let instructionId: String
            if let note = text(record, "TRSDSP"), let named = byNote[note] {
                instructionId = named
            } else if byPosition, let sequence = text(record, "TRXSEQ").flatMap({ Int($0) }), (1...instructionIds.count).contains(sequence) {
                instructionId = instructionIds[sequence - 1]
            } else {
                continue
            }
            let code = text(record, "STSCOD")
            lines.append(TransactionOutcome(
                endToEndId: nil, instructionId: instructionId, bankStatus: code ?? "?",
                status: code.flatMap { payrollCategory(.lineStatus, $0)?.paymentStatus } ?? .unknown,
                reasonCode: text(record, "ERRCOD"), reasonText: text(record, "ERRTXT") ?? text(record, "ERRDSP")))
        }
        return CMBPayrollResult(batch: batch, isFinal: isFinal, isPartial: isPartial, requestNumber: text(summary, "REQNBR"),
                                lines: lines)
    }

    /// What an `NTAGCQRI` answer says of the payroll batch `query` asks about:
    /// - HTTP other than 200, an answer that cannot be read, a `RETCOD` other than 0 → inconclusive;
    /// - `RETCOD=0` with neither a summary nor a line for the `YURREF` → **not received** (as for
    ///   `NTQRYSTY`: CMB has no batch with it; a resend carries the same `YURREF`, which CMB refuses
    ///   if it had the batch after all);
    /// - a summary → a report: each line the answer lists with its own status, the others with the
    ///   batch's (none for a partly paid batch: they stay as they are and are asked about again).
    func interpretPayrollStatusAnswer(httpStatus: Int, body: [UInt8], query: StatusQuery) -> StatusQueryAnswer {
        guard httpStatus == 200 else { return .inconclusive("HTTP \(httpStatus) from the front-end") }
        let result: CMBPayrollResult?
        do {
            result = try decodePayrollStatusAnswer(body, reference: query.originalMessageId,
                                                   instructionIds: query.transfers.map(\.instructionId))
        } catch {
            return .inconclusive(error.description)
        }
        guard let result else {
            let lines = (try? CMBAnswer.read(body))?.records("NTAGCQRIZ") ?? []
            return lines.isEmpty ? .notReceived : .inconclusive("the answer lists lines but no summary of \(query.originalMessageId)")
        }
        return .report(StatusReport(reportId: "NTAGCQRI answer", originalMessageId: query.originalMessageId,
                                    groupStatus: result.batch.bankStatus, groupOutcome: result.groupOutcome,
                                    transactions: result.lines))
    }

    /// The `AgentRequest` answer as a report about the batch `sentMessageId`: the bank's status of
    /// the batch applies to every line.
    func payrollReport(_ bytes: [UInt8], sentMessageId: String) throws(AdapterError) -> StatusReport {
        switch decodePayrollAnswer(bytes) {
        case .received(_, let outcome):
            return StatusReport(reportId: "AgentRequest answer", originalMessageId: sentMessageId, groupStatus: outcome.bankStatus,
                                groupOutcome: outcome, transactions: [])
        case .retryLater(let reason), .refused(let reason), .unknown(let reason):
            throw AdapterError(reason)
        }
    }
}
