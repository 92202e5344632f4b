public import BankGateCore
import BankGateXML

/// What ICBC answered to a payment package or a status query, mapped to bankgate's terms.
public enum ICBCPaymentAnswer: Hashable, Sendable {
    /// `RetCode=0` with a `Result` per transfer (`out/rd`), each mapped through ``ICBCCodes``: keyed
    /// by our `instructionId` in ``TransactionOutcome/instructionId``.
    case outcomes([TransactionOutcome])
    /// Nothing was done: send the same package again later. (No `RetCode` is known to mean this
    /// yet; the case exists for the code table.)
    case retryLater(String)
    /// Refused for good at the envelope. (Likewise none known yet.)
    case refused(String)
    /// Proves nothing either way (unreadable answer, a `RetCode` other than 0 — among them the
    /// duplicate package `B0012` — or `RetCode=0` without per-transfer results): the package's
    /// status must be asked (``ICBCAdapter/encodeStatusQuery(packageId:queryId:createdAt:)``).
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

extension ICBCAdapter {
    /// Reads the answer to `PAYENT` or `QPAYENT` (the NetSafe Client's body or the XML itself).
    ///
    /// Each `out/rd` is tied to its transfer by `Ref`, where we wrote the `instructionId`; when an
    /// answer leaves `Ref` out, by `iSeqno` — the transfer's position in the package, 1-based — in
    /// `instructionIds`, the package's instruction ids in the order they were written (the order
    /// of `PaymentMessage.transfers`). A record tied to neither makes the whole answer unknown.
    ///
    /// Never throws: an answer that cannot be read is ``ICBCPaymentAnswer/unknown(_:)``, because the
    /// bank may have taken the payment all the same.
    public func decodePaymentAnswer(_ bytes: [UInt8], instructionIds: [String] = []) -> ICBCPaymentAnswer {
        let answer: ICBCAnswer
        do {
            answer = try ICBCAnswer.read(bytes)
        } catch {
            return .unknown("unreadable answer: \(error.description)")
        }
        switch codes.category(.returnCode, answer.returnCode) {
        case .ok:
            break
        case .retryLater:
            return .retryLater(answer.envelopeText)
        case .rejected:
            return .refused(answer.envelopeText)
        default:
            return .unknown(answer.envelopeText)
        }
        let records = answer.records.filter { ICBCAnswer.text($0.child("Result")) != nil }
        guard !records.isEmpty else {
            return .unknown("RetCode 0 without a per-transfer Result (out/rd/Result)")
        }
        var outcomes: [TransactionOutcome] = []
        for record in records {
            guard let reference = Self.reference(record, instructionIds: instructionIds) else {
                let sequence = ICBCAnswer.text(record.child("iSeqno")) ?? "none"
                return .unknown("a result without Ref whose iSeqno (\(sequence)) names no transfer written (line \(record.line))")
            }
            outcomes.append(outcome(record, reference: reference))
        }
        return .outcomes(outcomes)
    }

    /// The instruction id `record` is about: its `Ref`, else the `iSeqno`-th of `instructionIds`.
    static func reference(_ record: XMLNode, instructionIds: [String]) -> String? {
        if let reference = ICBCAnswer.text(record.child("Ref")) { return reference }
        guard let text = ICBCAnswer.text(record.child("iSeqno")), let sequence = Int(text),
              sequence >= 1, sequence <= instructionIds.count else { return nil }
        return instructionIds[sequence - 1]
    }

    /// One transfer's result from its `Result` (a code the table does not know, or none, is
    /// `unknown`), with `iRetCode`/`iRetMsg` — else `instrRetCode`/`instrRetMsg` — as the reason.
    func outcome(_ record: XMLNode, reference: String) -> TransactionOutcome {
        let result = ICBCAnswer.text(record.child("Result"))
        var reasonCode = ICBCAnswer.text(record.child("iRetCode"))
        if reasonCode == "0" { reasonCode = nil }
        let instructionCode = ICBCAnswer.text(record.child("instrRetCode"))
        let status = result.flatMap { codes.category(.result, $0)?.paymentStatus } ?? .unknown
        return TransactionOutcome(
            endToEndId: nil, instructionId: reference, bankStatus: result ?? "?", status: status,
            reasonCode: reasonCode ?? (instructionCode == "0" ? nil : instructionCode),
            reasonText: ICBCAnswer.text(record.child("iRetMsg")) ?? ICBCAnswer.text(record.child("instrRetMsg")))
    }

    /// What the NetSafe Client's answer to a `PAYENT` post means: HTTP 200 → the answer read by
    /// ``decodePaymentAnswer(_:instructionIds:)``; any other status → unknown (the NC may have passed
    /// the package on before failing; no source says which statuses it uses, so none is trusted to
    /// mean "not received").
    public func disposition(httpStatus: Int, body: [UInt8], instructionIds: [String] = []) -> SendDisposition {
        guard httpStatus == 200 else {
            return .unknown("HTTP \(httpStatus) from the NetSafe Client: the bank may have the payment")
        }
        return decodePaymentAnswer(body, instructionIds: instructionIds).disposition
    }
}
