public import BankGateCore
import BankGateXML

/// What BOC answered to a payment (`b2e0009`, `b2e0078`) or a status query (`b2e0007`), mapped to
/// bankgate's terms.
public enum BOCPaymentAnswer: Hashable, Sendable {
    /// `B001` on the envelope with one record per item, each mapped through ``BOCCodes``: keyed by
    /// `insid` in ``TransactionOutcome/instructionId``.
    case outcomes([TransactionOutcome])
    /// The session is not signed in or its token expired: sign in again (`b2e0001`). A status
    /// query is then sent again; a payment is not resent blindly: its status is asked.
    case signInRequired(String)
    /// Nothing was done: send the same request again later.
    case retryLater(String)
    /// Refused for good at the envelope.
    case refused(String)
    /// Proves nothing either way (unreadable answer, an unknown code, `B001` without records):
    /// the payment's status must be asked.
    case unknown(String)

    /// The engine's disposition of a payment send with this answer. A sign-in refusal is
    /// `unknown`: the engine renews the session, then asks the payment's status by `insid`
    /// rather than sending it again.
    public var disposition: SendDisposition {
        switch self {
        case .outcomes: .report
        case .signInRequired(let reason): .unknown("sign-in required (\(reason)): sign in again, then ask the status")
        case .retryLater(let reason): .retryLater(reason)
        case .refused(let reason): .fatal(reason)
        case .unknown(let reason): .unknown(reason)
        }
    }
}

extension BOCAdapter {
    /// The transactions whose answers ``decodePaymentAnswer(_:)`` reads.
    static let paymentAnswerCodes: Set<String> = ["b2e0009", "b2e0078", "b2e0007", "b2eerror"]

    /// Reads the answer to `b2e0009` (records `b2e0009-rs`), `b2e0078` (`b2e0078-rs`) or `b2e0007`
    /// (`b2e0007-rs`), or BOC's error transaction (`trn-b2eerror-rs`).
    ///
    /// Never throws: an answer that cannot be read is ``BOCPaymentAnswer/unknown(_:)``, because the
    /// bank may have taken the payment all the same. A record's `B001` means "taken" (submitted)
    /// in a payment answer and "done" (completed) only in a status answer.
    public func decodePaymentAnswer(_ bytes: [UInt8]) -> BOCPaymentAnswer {
        let answer: BOCAnswer
        do {
            answer = try BOCAnswer.read(bytes)
        } catch {
            return .unknown("unreadable answer: \(error.description)")
        }
        let envelope = "rspcod " + answer.status.description
        guard Self.paymentAnswerCodes.contains(answer.transactionCode) else {
            return .unknown("answer to \(answer.transactionCode), not to a payment or status query (\(envelope))")
        }
        switch answer.status.category(in: codes) {
        case .ok?:
            break
        case .signInRequired?:
            return .signInRequired(envelope)
        case .retryLater?:
            return .retryLater(envelope)
        case .rejected?:
            return .refused(envelope)
        default:
            return .unknown(envelope)
        }
        guard !answer.records.isEmpty else {
            return .unknown("rspcod \(answer.status.code) without a per-item result (\(answer.transactionCode)-rs)")
        }
        let isStatusAnswer = answer.transactionCode == "b2e0007"
        var outcomes: [TransactionOutcome] = []
        for record in answer.records {
            guard let outcome = outcome(record, isStatusAnswer: isStatusAnswer) else {
                return .unknown("a result without insid or rspcod (\(record.name), line \(record.line))")
            }
            outcomes.append(outcome)
        }
        return .outcomes(outcomes)
    }

    /// One item's result: its `rspcod` through the table; a code the table does not know is
    /// `unknown`. `nil` without `insid` or `rspcod`: a result that cannot be tied to a payment.
    func outcome(_ record: XMLNode, isStatusAnswer: Bool) -> TransactionOutcome? {
        guard let reference = BOCAnswer.text(record.child("insid")), let status = BOCStatus.of(record) else { return nil }
        let category = status.category(in: codes) ?? .unknown
        return TransactionOutcome(endToEndId: nil, instructionId: reference, bankStatus: status.code,
                                  status: BOCCodes.paymentStatus(of: category, isStatusAnswer: isStatusAnswer),
                                  reasonCode: category == .ok ? nil : status.code, reasonText: status.message)
    }

    /// What the answer to a `b2e0009`/`b2e0078` post means: HTTP 200 → the answer read by
    /// ``decodePaymentAnswer(_:)``; any other status → unknown (no public source says which HTTP
    /// statuses BOC's server uses, so none is trusted to mean "not received").
    public func disposition(httpStatus: Int, body: [UInt8]) -> SendDisposition {
        guard httpStatus == 200 else {
            return .unknown("HTTP \(httpStatus) from BOC: the bank may have the payment")
        }
        return decodePaymentAnswer(body).disposition
    }
}
