import BankGateCore
import BankGateStore
import Logging

/// What a lane tells operators (issue 12): circuit changes with their reason, and every payment
/// that fails, becomes unknown or is held, in log lines naming the bank, the code, the payments
/// and the API request (``RequestTrace``); the circuit's state in the metrics.
extension BankLane {
    /// At most this many payment ids in a log line's `payment_id` (a batch names its first ones and how many more).
    static let maxLoggedPaymentIds = 10

    /// `ids` as a log line names them: the first ``maxLoggedPaymentIds``, then `+N`.
    static func loggedPaymentIds(_ ids: [String]) -> [String] {
        guard ids.count > maxLoggedPaymentIds else { return ids }
        return Array(ids.prefix(maxLoggedPaymentIds)) + ["+\(ids.count - maxLoggedPaymentIds)"]
    }

    /// Records reachability from a transport outcome: an answer other than 503 or 429, or a
    /// delivery, reaches the bank; anything else is a failure named by its code.
    func recordReachability(of outcome: TransportOutcome) {
        switch outcome {
        case .answered(let status, _) where status == 503 || status == 429:
            recordReachability(false, why: "http_\(status)")
        case .answered, .delivered:
            recordReachability(true)
        case .notSent(let reason):
            recordReachability(false, why: "not_sent (\(reason))")
        case .unknown(let reason):
            recordReachability(false, why: "no_answer (\(reason))")
        }
    }

    /// Logs a circuit change and sets its gauge.
    func noteCircuitChange(from: CircuitBreaker.State, to: CircuitBreaker.State, why: String) {
        visibility.metrics.circuit(bank: bankId, state: to)
        let metadata = traced(["bank": "\(bankId)", "from": "\(from.rawValue)", "to": "\(to.rawValue)", "why": "\(why)"])
        if to == .closed {
            logger.notice("circuit closed", metadata: metadata)
        } else {
            logger.warning(to == .open ? "circuit opened" : "circuit half-open", metadata: metadata)
        }
    }

    /// Logs what a send's outcome means for its payments: failed, unknown, or rejected by the bank.
    func logOutcome(_ resolution: SendResolution, submission: SubmissionRecord) {
        switch resolution {
        case .report(let report):
            logRejections(report, submission: submission)
        case .delivered:
            break
        case .retry(let error, let next):
            if next == nil {
                logger.error("payment failed", metadata: traced(["bank": "\(bankId)", "submission": "\(submission.id)",
                                                                 "code": "gave_up", "error": "\(error)"]))
            }
        case .fatal(let error):
            logger.error("payment failed", metadata: traced(["bank": "\(bankId)", "submission": "\(submission.id)",
                                                             "code": "refused", "error": "\(error)"]))
        case .unknown(let error, _):
            logger.warning("payment outcome unknown", metadata: traced(["bank": "\(bankId)", "submission": "\(submission.id)",
                                                                        "code": "unknown", "error": "\(error)"]))
        }
    }

    /// Logs what a status answer means for the payments: rejected ones, or a hold for an operator.
    func logOutcome(_ resolution: QueryResolution, submission: SubmissionRecord) {
        switch resolution {
        case .report(let report):
            logRejections(report, submission: submission)
        case .notReceivedHold(let reason):
            logger.warning("payments held", metadata: traced(["bank": "\(bankId)", "submission": "\(submission.id)",
                                                              "code": "not_received", "reason": "\(reason)"]))
        default:
            break
        }
    }

    /// One line per transfer the bank rejected, with its reason code and the references the bank's
    /// answer names it by (an end-to-end id in ISO 20022; the instruction id, the business
    /// reference, in the Chinese banks' formats, whose answers carry no end-to-end id).
    private func logRejections(_ report: StatusReport, submission: SubmissionRecord) {
        var rejected = report.transactions.filter { $0.status == .rejected }
        if rejected.isEmpty, let group = report.groupOutcome, group.status == .rejected { rejected = [group] }
        for outcome in rejected {
            logger.warning("payment rejected by the bank", metadata: traced([
                "bank": "\(bankId)", "submission": "\(submission.id)", "code": "\(outcome.reasonCode ?? outcome.bankStatus)",
                "bank_status": "\(outcome.bankStatus)", "end_to_end_id": "\(outcome.endToEndId ?? "-")",
                "instruction_id": "\(outcome.instructionId ?? "-")",
            ]))
        }
    }

    /// A bank's answer that refuses the message (in its body, whatever the HTTP status): a bank
    /// error like a failed call — counted, kept as the bank's last error, logged with its code.
    func noteBankRefusal(code: String, reason: String, kind: GatewayMetrics.CallKind) {
        visibility.metrics.bankError(bank: bankId, code: code)
        visibility.health.recordError(bank: bankId, code: code, message: reason, at: clock.now())
        logger.warning("bank error", metadata: traced(["bank": "\(bankId)", "code": "\(code)", "kind": "\(kind.rawValue)",
                                                        "error": "\(reason)"]))
    }

    /// `metadata` with the request id and payment ids of the work under way.
    func traced(_ metadata: Logger.Metadata) -> Logger.Metadata {
        metadata.merging(RequestTrace.logMetadata(), uniquingKeysWith: { own, _ in own })
    }
}
