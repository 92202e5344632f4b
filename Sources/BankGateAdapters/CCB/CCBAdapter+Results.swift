public import BankGateCore
import BankGateXML

/// What CCB answered to a transfer, a 代发 or a status query, mapped to bankgate's terms.
public enum CCBPaymentAnswer: Hashable, Sendable {
    /// One outcome, keyed by the transfer's `REQUEST_SN` in ``TransactionOutcome/instructionId``.
    case outcomes([TransactionOutcome])
    /// Nothing was done: send the same request (same `REQUEST_SN`) again later.
    case retryLater(String)
    /// Refused for good before any processing.
    case refused(String)
    /// The status query found no request with that number (`0130Z110BB22`): CCB never received the
    /// payment. Only a status answer says this.
    case notReceived(String)
    /// Proves nothing either way (unreadable answer, an unknown code, a duplicate `REQUEST_SN`,
    /// 系统忙/通讯超时): the payment's status must be asked.
    case unknown(String)

    /// The engine's disposition of a payment send with this answer (``notReceived(_:)`` is not an
    /// answer to a send: unknown).
    public var disposition: SendDisposition {
        switch self {
        case .outcomes: .report
        case .retryLater(let reason): .retryLater(reason)
        case .refused(let reason): .fatal(reason)
        case .notReceived(let reason), .unknown(let reason): .unknown(reason)
        }
    }
}

extension CCBAdapter {
    /// Reads the answer to a transfer (`6W8010`, `6W8060`), a 代发 (`6W1303`) or a status query
    /// (`6W0600`, `6W1503`), told apart by its `TX_CODE`.
    ///
    /// A payment answer is keyed by its `REQUEST_SN` (the instruction id). A status answer is
    /// keyed by `TX_INFO/REQUEST_SN1` when CCB echoes it, else by `reference`, the number asked
    /// about; both given and different → unknown.
    ///
    /// Never throws: an answer that cannot be read is ``CCBPaymentAnswer/unknown(_:)``, because the
    /// bank may have taken the payment all the same.
    public func decodePaymentAnswer(_ bytes: [UInt8], reference: String? = nil) -> CCBPaymentAnswer {
        let answer: CCBAnswer
        do {
            answer = try CCBAnswer.read(bytes)
        } catch {
            return .unknown("unreadable answer: \(error.description)")
        }
        switch answer.code {
        case Self.statusQueryCode?:
            return statusOutcome(answer, kind: .transferResult, reference: reference)
        case Self.payrollStatusQueryCode?:
            return statusOutcome(answer, kind: .payrollResult, reference: reference)
        case Self.sameBankTransferCode?, Self.otherBankTransferCode?, Self.payrollCode?:
            return paymentOutcome(answer)
        default:
            return .unknown("answer to \(answer.code ?? "no TX_CODE"), not a payment or a status query (\(answer.envelope))")
        }
    }

    /// A transfer's or 代发's answer: `000000` → taken (submitted; its result is asked with
    /// `6W0600`/`6W1503`), a rejecting code → rejected with the code as reason.
    func paymentOutcome(_ answer: CCBAnswer) -> CCBPaymentAnswer {
        let category = codes.category(.returnCode, answer.returnCode)
        switch category {
        case .ok?, .rejected?:
            guard let reference = answer.requestNumber else {
                return category == .ok ? .unknown("RETURN_CODE 000000 without REQUEST_SN") : .refused(answer.envelope)
            }
            let accepted = category == .ok
            return .outcomes([TransactionOutcome(
                endToEndId: nil, instructionId: reference, bankStatus: answer.returnCode,
                status: accepted ? .submitted : .rejected, reasonCode: accepted ? nil : answer.returnCode,
                reasonText: accepted ? answer.info("CREDIT_NO").map { "凭证号 \($0)" } : answer.returnMessage)])
        case .retryLater?:
            return .retryLater(answer.envelope)
        default:
            return .unknown(answer.envelope)
        }
    }

    /// A status answer: `DEAL_RESULT` through the table of its query; `MESSAGE` is the reason.
    func statusOutcome(_ answer: CCBAnswer, kind: CCBCodeKind, reference: String?) -> CCBPaymentAnswer {
        switch codes.category(.returnCode, answer.returnCode) {
        case .ok?:
            break
        case .notFound?:
            return .notReceived(answer.envelope)
        case .retryLater?:
            return .retryLater(answer.envelope)
        default:
            // A refused query says nothing about the payment.
            return .unknown("status query answered \(answer.envelope)")
        }
        let echoed = answer.info("REQUEST_SN1")
        if let echoed, let reference, echoed != reference {
            return .unknown("the status answer is about REQUEST_SN1 \(echoed), not \(reference)")
        }
        guard let instructionId = echoed ?? reference else {
            return .unknown("a status answer without REQUEST_SN1, and no reference given")
        }
        let result = answer.info("DEAL_RESULT")
        let status = result.flatMap { codes.category(kind, $0)?.paymentStatus } ?? .unknown
        return .outcomes([TransactionOutcome(
            endToEndId: nil, instructionId: instructionId, bankStatus: result ?? "?", status: status,
            reasonCode: nil, reasonText: answer.info("MESSAGE"))])
    }
}

extension CCBAdapter {
    /// What the client's answer to an HTTP post of a transfer means: HTTP 200 → the answer read
    /// by ``decodePaymentAnswer(_:reference:)``; any other status → unknown (the client may have
    /// passed the request on before failing; no public source says which statuses it uses).
    public func disposition(httpStatus: Int, body: [UInt8]) -> SendDisposition {
        guard httpStatus == 200 else {
            return .unknown("HTTP \(httpStatus) from the CCB client: the bank may have the payment")
        }
        return decodePaymentAnswer(body).disposition
    }
}
