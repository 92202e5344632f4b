public import BankGateCore

extension CMBCloudAdapter {
    /// What a `BB1PAYOP` post's answer means:
    /// - HTTP other than 200 → unknown (the bank may have the payment);
    /// - an answer that is not Base64, cannot be decrypted, is not JSON, or whose signature does
    ///   not verify (``openAnswer(_:)``) → unknown: it is not trusted, the engine asks the status;
    /// - `resultcode` other than `SUC0000` → unknown (no public source says which codes prove
    ///   that nothing was done);
    /// - `SUC0000` with a `bb1payopz1` record → a report (``outcome(_:reference:)``); without → unknown.
    public func disposition(httpStatus: Int, body: [UInt8]) -> SendDisposition {
        guard httpStatus == 200 else { return .unknown("HTTP \(httpStatus) from CMB: the bank may have the payment") }
        switch paymentAnswer(body) {
        case .success: return .report
        case .failure(let error): return .unknown(error.description)
        }
    }

    /// The `bb1payopz1` record of a trusted, successful answer, or why there is none.
    func paymentAnswer(_ body: [UInt8]) -> Result<JSONValue, AdapterError> {
        let answer: CMBCloudAnswer
        do {
            answer = try openAnswer(body)
        } catch {
            return .failure(AdapterError("answer not trusted: " + error.description))
        }
        guard codes.category(.resultCode, answer.resultCode) == .ok else {
            return .failure(AdapterError("resultcode \(answer.resultCode)" + (answer.resultMessage.map { " \($0)" } ?? "")))
        }
        guard let record = answer.records("bb1payopz1").first else {
            return .failure(AdapterError("\(answer.resultCode) without a payment result (bb1payopz1)"))
        }
        return .success(record)
    }

    /// The `BB1PAYOP` answer as a report on `sentMessageId`: its one result applies to the message's
    /// one transfer (the answer does not repeat `yurRef`).
    public func decodePaymentAnswer(_ bytes: [UInt8], sentMessageId: String) throws(AdapterError) -> StatusReport {
        let record = try paymentAnswer(bytes).get()
        return StatusReport(reportId: "BB1PAYOP answer", originalMessageId: sentMessageId, groupStatus: nil,
                            groupOutcome: outcome(record, reference: nil), transactions: [])
    }

    /// CMB's answers name transfers, not messages: there are no status report files.
    public func decodeStatusReport(_ bytes: [UInt8]) throws(AdapterError) -> StatusReport {
        throw AdapterError("CMB cloud answers name transfers (yurRef), not messages: there are no status report files")
    }

    /// The status query for the one transfer `query` names (`BB1PAYQR` by its `yurRef`).
    public func encodeStatusQuery(_ query: StatusQuery) throws(AdapterError) -> EncodedMessage {
        guard query.transfers.count == 1, let transfer = query.transfers.first else {
            throw AdapterError("a CMB status query names exactly one transfer (yurRef), not \(query.transfers.count)",
                               location: "bb1payqrx1/yurRef")
        }
        return try encodeStatusQuery(reference: transfer.instructionId, queryId: query.queryId, createdAt: query.createdAt)
    }

    /// What a `BB1PAYQR` answer says of the one transfer asked about:
    /// - HTTP other than 200, an answer not trusted (``openAnswer(_:)``), or a `resultcode` other than
    ///   `SUC0000` → inconclusive;
    /// - `SUC0000` without any `bb1payqrz1` record → **not received** (assumed, as for the front-end's
    ///   `NTQRYSTY`: the bank has no payment with this `yurRef`; see the README);
    /// - the record of the `yurRef` → its outcome; records only about other references → inconclusive.
    public func interpretStatusQueryAnswer(httpStatus: Int, body: [UInt8], query: StatusQuery) -> StatusQueryAnswer {
        guard httpStatus == 200 else { return .inconclusive("HTTP \(httpStatus) from CMB") }
        guard let reference = query.transfers.first?.instructionId else {
            return .inconclusive("a CMB status query names one transfer")
        }
        let answer: CMBCloudAnswer
        do {
            answer = try openAnswer(body)
        } catch {
            return .inconclusive("answer not trusted: " + error.description)
        }
        guard codes.category(.resultCode, answer.resultCode) == .ok else {
            return .inconclusive("resultcode \(answer.resultCode)" + (answer.resultMessage.map { " \($0)" } ?? ""))
        }
        let records = answer.records("bb1payqrz1")
        guard !records.isEmpty else { return .notReceived }
        guard let record = records.first(where: { CMBCloudAnswer.text($0, "yurRef") == reference }) else {
            return .inconclusive("the answer names other references than \(reference)")
        }
        return .report(StatusReport(reportId: "BB1PAYQR answer", originalMessageId: query.originalMessageId,
                                    groupStatus: nil, groupOutcome: nil,
                                    transactions: [outcome(record, reference: reference)]))
    }

    /// One payment's result: an `errCod` with a meaning of its own (the duplicate) first, then
    /// `reqSts`, and `rtnFlg` when `reqSts=FIN`. A code the table does not know is `unknown`.
    func outcome(_ record: JSONValue, reference: String?) -> TransactionOutcome {
        let requestStatus = CMBCloudAnswer.text(record, "reqSts")
        let resultFlag = CMBCloudAnswer.text(record, "rtnFlg")
        let errorCode = CMBCloudAnswer.text(record, "errCod")
        let reasonText = CMBCloudAnswer.text(record, "errTxt") ?? CMBCloudAnswer.text(record, "rtnNar")
            ?? CMBCloudAnswer.text(record, "msgTxt")
        let bankStatus = [requestStatus, resultFlag].compactMap { $0 }.joined(separator: "/")

        let status = CMBResultRule.status(errorCode: errorCode, requestStatus: requestStatus, resultFlag: resultFlag,
                                          errorCategory: { codes.category(.errorCode, $0) },
                                          requestCategory: { codes.category(.requestStatus, $0) },
                                          resultCategory: { codes.category(.resultFlag, $0) })
        return TransactionOutcome(endToEndId: nil, instructionId: reference, bankStatus: bankStatus.isEmpty ? "?" : bankStatus,
                                  status: status, reasonCode: errorCode, reasonText: reasonText)
    }
}
