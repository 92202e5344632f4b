public import BankGateCore
import BankGateXML

/// What CMB answered to a payment or a status query, mapped to bankgate's terms.
public enum CMBPaymentAnswer: Hashable, Sendable {
    /// `RETCOD=0` with a result per payment (`NTQPAYRQZ` for `DCPAYMNT`, `NTQPAYQYZ` for the
    /// queries), each mapped through the adapter's ``CMBAdapter/codes``: keyed by `YURREF` in ``TransactionOutcome/instructionId``.
    case outcomes([TransactionOutcome])
    /// The front-end did nothing (not logged in, cannot reach the bank, too frequent): send the
    /// same request again later.
    case retryLater(String)
    /// Refused for good at the envelope (format error, not a certificate user).
    case refused(String)
    /// Proves nothing either way (unreadable answer, an unknown `RETCOD`, `RETCOD=0` without a
    /// result): the payment's status must be asked.
    case unknown(String)

    /// The engine's disposition of a payment send with this answer.
    public var disposition: SendDisposition {
        switch self {
        case .outcomes: .report
        case .retryLater(let reason): .retryLater(reason)
        case .refused(let reason): .fatal(reason)
        case .unknown(let reason): .unknown(reason)
        }
    }
}

extension CMBAdapter {
    /// Reads the answer to `DCPAYMNT` (records `NTQPAYRQZ`), `NTQRYSTY` or `NTSTLINF` (records
    /// `NTQPAYQYZ`).
    ///
    /// Never throws: an answer that cannot be read is ``CMBPaymentAnswer/unknown(_:)``, because
    /// the bank may have taken the payment all the same.
    public func decodePaymentAnswer(_ bytes: [UInt8]) -> CMBPaymentAnswer {
        let answer: CMBAnswer
        do {
            answer = try CMBAnswer.read(bytes)
        } catch {
            return .unknown("unreadable answer: \(error.description)")
        }
        let envelope = "RETCOD \(answer.returnCode)" + (answer.errorMessage.map { " \($0)" } ?? "")
        switch codes.category(.returnCode, answer.returnCode) {
        case .ok:
            break
        case .retryLater:
            return .retryLater(envelope)
        case .rejected:
            return .refused(envelope)
        default:
            return .unknown(envelope)
        }
        let records = answer.records.filter { $0.name == "NTQPAYRQZ" || $0.name == "NTQPAYQYZ" }
        guard !records.isEmpty else {
            return .unknown("RETCOD 0 without a payment result (NTQPAYRQZ/NTQPAYQYZ)")
        }
        var outcomes: [TransactionOutcome] = []
        for record in records {
            guard let outcome = outcome(record) else {
                return .unknown("a payment result without YURREF (\(record.name), line \(record.line))")
            }
            outcomes.append(outcome)
        }
        return .outcomes(outcomes)
    }

    /// One payment's result: `ERRCOD` with a meaning of its own (the duplicate `NCB4241`) first,
    /// then `REQSTS`, and `RTNFLG` when `REQSTS=FIN`. A code the table does not know is `unknown`.
    /// `nil` without a `YURREF`: a result that cannot be tied to a payment.
    func outcome(_ record: XMLNode) -> TransactionOutcome? {
        guard let reference = CMBAnswer.text(record.child("YURREF")) else { return nil }
        let requestStatus = CMBAnswer.text(record.child("REQSTS"))
        let resultFlag = CMBAnswer.text(record.child("RTNFLG"))
        let errorCode = CMBAnswer.text(record.child("ERRCOD"))
        let reasonText = CMBAnswer.text(record.child("ERRTXT")) ?? CMBAnswer.text(record.child("RTNNAR"))
        let bankStatus = [requestStatus, resultFlag].compactMap { $0 }.joined(separator: "/")

        let status = CMBResultRule.status(errorCode: errorCode, requestStatus: requestStatus, resultFlag: resultFlag,
                                          errorCategory: { codes.category(.errorCode, $0) },
                                          requestCategory: { codes.category(.requestStatus, $0) },
                                          resultCategory: { codes.category(.resultFlag, $0) })
        return TransactionOutcome(endToEndId: nil, instructionId: reference, bankStatus: bankStatus.isEmpty ? "?" : bankStatus,
                                  status: status, reasonCode: errorCode, reasonText: reasonText)
    }
}

extension CMBAdapter {
    /// What the front-end's answer to a `DCPAYMNT` post means: HTTP 200 → the answer read by
    /// ``decodePaymentAnswer(_:)`` (an `AgentRequest`'s by ``decodePayrollAnswer(_:)``); any other
    /// status → unknown (the front-end may have passed the request on before failing; no public
    /// source says which statuses it uses, so none is trusted to mean "not received").
    public func disposition(httpStatus: Int, body: [UInt8]) -> SendDisposition {
        guard httpStatus == 200 else {
            return .unknown("HTTP \(httpStatus) from the front-end: the bank may have the payment")
        }
        if Self.isPayrollAnswer(body) { return decodePayrollAnswer(body).disposition }
        return decodePaymentAnswer(body).disposition
    }
}
