public import BankGateCore

/// What ABC answered to a transfer or to its status query, mapped to bankgate's terms.
public enum ABCPaymentAnswer: Hashable, Sendable {
    /// The transfer's result, keyed by its `ReqSeqNo` in ``TransactionOutcome/instructionId``.
    case outcomes([TransactionOutcome])
    /// Nothing was done: send the same request again later (no public code says so yet; a row
    /// `retry_later` in the code table would).
    case retryLater(String)
    /// Proves nothing either way (unreadable or incomplete answer, a bad frame, an unknown code, an
    /// answer about another reference, a status query that failed): ask the status (`CQRT04`).
    case unknown(String)

    /// The engine's disposition of a send with this answer.
    public var disposition: SendDisposition {
        switch self {
        case .outcomes: .report
        case .retryLater(let reason): .retryLater(reason)
        case .unknown(let reason): .unknown(reason)
        }
    }
}

extension ABCAdapter {
    /// Reads the answer to `CFRT01`/`CFRT02`/`CFRT21` or to the status query `CQRT04`, as received
    /// on the socket (header included).
    ///
    /// The transfer is named by `reference` (the `ReqSeqNo` sent, or for `CQRT04` the `CmeSeqNo`
    /// asked about): not every answer echoes it. When it does (`ap/ReqSeqNo`, `Cmp/CmeSeqNo`) and
    /// names another reference, the answer is unknown.
    ///
    /// Payment answers: `RespCode` through the adapter's ``ABCAdapter/codes``; `0000` is completed unless `Corp/WaitFlag`
    /// says the transfer was held (落地, processing). `CQRT04` answers: `0000` → the last four
    /// characters of `Cmp/RespPrvData` (the host's result) through the table; any other `RespCode`
    /// means the query failed, which says nothing about the transfer (unknown).
    ///
    /// Never throws: an answer that cannot be read is unknown, because the bank may have the transfer.
    public func decodePaymentAnswer(_ bytes: [UInt8], reference: String) -> ABCPaymentAnswer {
        let answer: ABCAnswer
        do {
            answer = try ABCAnswer.read(bytes)
        } catch {
            return .unknown("unreadable answer: \(error.description)")
        }
        let isStatusQuery = answer.transactionCode == "CQRT04"
        let echoed = isStatusQuery ? answer.value("Cmp", "CmeSeqNo") : answer.requestId
        if let echoed, echoed != reference {
            return .unknown("the answer is about \(echoed), not \(reference)")
        }
        let code = answer.responseCode
        let reasonText = answer.extendedInfo ?? answer.responseInfo
        func outcome(_ status: PaymentStatus, bankStatus: String, reasonCode: String?, reasonText: String?) -> ABCPaymentAnswer {
            .outcomes([TransactionOutcome(endToEndId: nil, instructionId: reference, bankStatus: bankStatus, status: status,
                                          reasonCode: reasonCode, reasonText: reasonText)])
        }
        guard let category = codes.category(.responseCode, code) else { return .unknown(answer.summary) }
        switch category {
        case .unknown, .final, .signInRequired, .notFound:
            // `unknown`, or a category ABC's table does not use: proves nothing.
            return .unknown(answer.summary)
        case .retryLater:
            return .retryLater(answer.summary)
        case .ok where isStatusQuery:
            guard let data = answer.value("Cmp", "RespPrvData"), data.utf8.count >= 4 else {
                return .unknown("CQRT04 answered 0000 without a result (Cmp/RespPrvData)")
            }
            let hostCode = String(decoding: data.utf8.suffix(4), as: UTF8.self)
            let status = codes.category(.hostResult, hostCode)?.paymentStatus ?? .unknown
            return outcome(status, bankStatus: "0000/" + hostCode, reasonCode: status == .completed ? nil : hostCode,
                           reasonText: answer.value("Corp", "Postscript") ?? reasonText)
        case .ok:
            guard let waitFlag = answer.value("Corp", "WaitFlag") else {
                return outcome(.completed, bankStatus: code, reasonCode: nil, reasonText: reasonText)
            }
            let status = codes.category(.waitFlag, waitFlag)?.paymentStatus ?? .unknown
            return outcome(status, bankStatus: code + "/WaitFlag " + waitFlag, reasonCode: nil, reasonText: reasonText)
        case _ where isStatusQuery:
            // The query itself failed: nothing is known about the transfer.
            return .unknown("CQRT04 failed: " + answer.summary)
        case .accepted, .processing, .completed, .rejected, .returned:
            return outcome(category.paymentStatus ?? .unknown, bankStatus: code, reasonCode: code, reasonText: reasonText)
        }
    }

    /// What the client's answer to a transfer means. ABC speaks raw TCP, so there is no HTTP status:
    /// `answer` is what the socket returned, `nil` when the connection ended without one after the
    /// request was written (the client may have passed it on: unknown).
    public func disposition(answer: [UInt8]?, reference: String) -> SendDisposition {
        guard let answer, !answer.isEmpty else {
            return .unknown("no answer from the ABC client: the bank may have the payment")
        }
        return decodePaymentAnswer(answer, reference: reference).disposition
    }
}
