public import BankGateCore

/// Which of BOC's payroll channels (`crdtyp`, 代发类型) a `b2e0078` batch goes through.
public enum BOCPayrollChannel: String, Hashable, Sendable, CaseIterable {
    /// `7`: to accounts at BOC (我行).
    case bocAccounts = "7"
    /// `5`: to other banks through UnionPay (他行银联支付).
    case otherBanksUnionPay = "5"
    /// `6`: to other banks through the large/small-value payment systems (他行大小额支付): each
    /// line carries the creditor bank's CNAPS code.
    case otherBanksCNAPS = "6"
}

extension BOCAdapter {
    /// Writes a transfer message (`b2e0009`, 转账汇款): one `b2e0009-rq` per transfer, at most
    /// ``maxTransfersPerMessage``.
    ///
    /// `insid`, the client's instruction id, is the transfer's `instructionId`: fixed before the
    /// first send and reused on every resend, and the key ``encodeStatusQuery(references:token:queryId:)``
    /// asks by. `trnid` (the message number) is the message id.
    /// - Parameter token: the session's token from ``decodeSignInAnswer(_:)``.
    /// - Throws: ``AdapterError`` located at the field (`b2e0009-rq/toactn/toname`) for a control
    ///   character, a field over its limit, or a field the format requires that the payment lacks.
    public func encodePayment(_ message: PaymentMessage, token: String) throws(AdapterError) -> EncodedMessage {
        let transfers = message.transfers
        guard !transfers.isEmpty else { throw AdapterError("a payment message needs at least one transfer") }
        guard transfers.count <= Self.maxTransfersPerMessage else {
            throw AdapterError("\(transfers.count) transfers in one message, over the limit of \(Self.maxTransfersPerMessage)")
        }
        var request = try BOCRequestWriter(code: "b2e0009", messageId: message.messageId, token: token, adapter: self)
        let record = request.record
        guard message.debtor.currency.code == "CNY" else {
            throw AdapterError("b2e0009 transfers are in CNY only (trncur 001/CNY)", location: record + "/trncur")
        }
        let branch = try branchNumber(message.debtor, location: record + "/fractn/fribkn")
        let transferDate = try Self.bankDate(message.requestedExecutionDate, location: record + "/trfdate")
        request.empty("transtype")
        for transfer in transfers {
            try writeTransfer(transfer, debtor: message.debtor, branch: branch, transferDate: transferDate, into: &request)
        }
        let reference = transfers.count == 1 ? transfers[0].instructionId : message.messageId
        return EncodedMessage(kind: "BOC.b2e0009", contentType: Self.contentType,
                              fileName: Self.fileName("b2e0009", reference), bytes: request.finish())
    }

    /// One `b2e0009-rq`, elements in the order of BOC's request layout.
    private func writeTransfer(_ transfer: CreditTransfer, debtor: DebtorAccount, branch: String, transferDate: String,
                               into request: inout BOCRequestWriter) throws(AdapterError) {
        let record = request.record
        let amount = try Self.amount(transfer.amount, location: record + "/trnamt")
        let creditor = transfer.creditor
        guard let bankName = creditor.bankAndBranchText else {
            throw AdapterError("BOC requires the creditor's bank name (tobknm)", location: record + "/toactn/tobknm")
        }
        guard let bankCode = creditor.bankCode, !bankCode.isEmpty else {
            throw AdapterError("BOC requires the creditor bank's number (toibkn)", location: record + "/toactn/toibkn")
        }
        request.open(record)
        try request.field("insid", transfer.instructionId, record: record, type: .code, maxBytes: 30)
        request.empty("obssid")
        request.open("fractn")
        try request.field("fribkn", branch, record: record + "/fractn", type: .digits, maxBytes: 5)
        try request.field("actacn", debtor.number, record: record + "/fractn", type: .account, maxBytes: 35)
        try request.optionalField("actnam", debtor.name, record: record + "/fractn", type: .text, maxBytes: 70)
        request.close("fractn")
        request.open("toactn")
        try request.field("toibkn", bankCode, record: record + "/toactn", type: .digits, maxBytes: 12)
        try request.field("actacn", creditor.account, record: record + "/toactn", type: .account, maxBytes: 35)
        try request.field("toname", creditor.name, record: record + "/toactn", type: .text, maxBytes: 70)
        try request.optionalField("toaddr", creditor.address.map(\.singleLineText), record: record + "/toactn",
                                  type: .text, maxBytes: 70)
        try request.field("tobknm", bankName, record: record + "/toactn", type: .text, maxBytes: 70)
        request.close("toactn")
        try request.field("trnamt", amount, record: record, type: .code, maxBytes: 18)
        try request.field("trncur", "CNY", record: record, type: .code, maxBytes: 3)
        try request.field("priolv", transfer.details.priority == .urgent ? "1" : "0", record: record, type: .digits, maxBytes: 2)
        // 用途: the purpose, else the remittance text (b2e0009 has no other text for the creditor).
        try request.optionalField("furinfo", transfer.details.purpose ?? transfer.remittanceInfo, record: record,
                                  type: .text, maxBytes: 80)
        try request.field("trfdate", transferDate, record: record, type: .digits, maxBytes: 8)
        request.empty("trftime")
        request.empty("comacn")
        request.close(record)
    }

    /// The most lines of one payroll batch (assumed: no public source gives BOC's limit).
    public static let maxPayrollLines = 1000

    /// Writes a payroll batch (`b2e0078`, 快捷代发): one `b2e0078-rq` with the batch's totals and a
    /// `detail` per transfer.
    ///
    /// BOC keys a payroll batch by its `insid`, not by line: `insid` is the message id (fixed before
    /// the first send, reused on every resend), and the answer's outcome is keyed by it.
    /// - Parameters:
    ///   - channel: `crdtyp`, BOC accounts or other banks (UnionPay or CNAPS).
    ///   - summary: `furinfo`, the batch's 摘要 (integration code requires it).
    ///   - token: the session's token.
    public func encodePayroll(_ message: PaymentMessage, channel: BOCPayrollChannel, summary: String,
                              token: String) throws(AdapterError) -> EncodedMessage {
        let transfers = message.transfers
        guard (1...Self.maxPayrollLines).contains(transfers.count) else {
            throw AdapterError("a payroll batch takes 1 to \(Self.maxPayrollLines) lines, not \(transfers.count)")
        }
        var request = try BOCRequestWriter(code: "b2e0078", messageId: message.messageId, token: token, adapter: self)
        let record = request.record
        guard message.debtor.currency.code == "CNY" else {
            throw AdapterError("b2e0078 payroll is in CNY only", location: record + "/pybcur")
        }
        let branch = try branchNumber(message.debtor, location: record + "/fractn/fribkn")
        var total: Int64 = 0
        for transfer in transfers {
            guard transfer.amount.currency.code == "CNY", transfer.amount.minorUnits > 0 else {
                throw AdapterError("every line must be a positive CNY amount", location: record + "/detail/pydamt")
            }
            let (sum, overflow) = total.addingReportingOverflow(transfer.amount.minorUnits)
            guard !overflow else { throw AdapterError("the batch total overflows", location: record + "/pybamt") }
            total = sum
        }
        request.empty("transtype")
        request.open(record)
        try request.field("insid", message.messageId, record: record, type: .code, maxBytes: 30)
        request.empty("telephone")
        try request.field("pybcur", "CNY", record: record, type: .code, maxBytes: 3)
        try request.field("pybamt", try Self.amount(Money(minorUnits: total, currency: message.debtor.currency),
                                                    location: record + "/pybamt"), record: record, type: .code, maxBytes: 18)
        try request.field("pybnum", String(transfers.count), record: record, type: .digits, maxBytes: 6)
        try request.field("crdtyp", channel.rawValue, record: record, type: .digits, maxBytes: 1)
        try request.field("furinfo", summary, record: record, type: .text, maxBytes: 80)
        request.empty("useinf")
        try request.field("trfdate", try Self.bankDate(message.requestedExecutionDate, location: record + "/trfdate"),
                          record: record, type: .digits, maxBytes: 8)
        for transfer in transfers {
            try writePayrollLine(transfer, channel: channel, into: &request)
        }
        request.open("fractn")
        try request.field("fribkn", branch, record: record + "/fractn", type: .digits, maxBytes: 5)
        try request.field("actacn", message.debtor.number, record: record + "/fractn", type: .account, maxBytes: 35)
        try request.optionalField("actnam", message.debtor.name, record: record + "/fractn", type: .text, maxBytes: 70)
        request.close("fractn")
        request.close(record)
        return EncodedMessage(kind: "BOC.b2e0078", contentType: Self.contentType,
                              fileName: Self.fileName("b2e0078", message.messageId), bytes: request.finish())
    }

    /// One `detail` of a payroll batch. `toibkn` is the creditor bank's CNAPS code for channel 6
    /// and empty for the others (as integration code writes it).
    private func writePayrollLine(_ transfer: CreditTransfer, channel: BOCPayrollChannel,
                                  into request: inout BOCRequestWriter) throws(AdapterError) {
        let record = request.record + "/detail"
        let creditor = transfer.creditor
        request.open("detail")
        if channel == .otherBanksCNAPS {
            guard let code = creditor.bankCode, CNAPS.isValid(code) else {
                throw AdapterError("channel 6 needs the creditor bank's CNAPS code", location: record + "/toibkn")
            }
            try request.field("toibkn", code, record: record, type: .digits, maxBytes: 12)
        } else {
            request.empty("toibkn")
        }
        try request.optionalField("tobank", creditor.bankAndBranchText, record: record, type: .text, maxBytes: 70)
        try request.field("toactn", creditor.account, record: record, type: .account, maxBytes: 35)
        try request.field("pydcur", "CNY", record: record, type: .code, maxBytes: 3)
        try request.field("pydamt", try Self.amount(transfer.amount, location: record + "/pydamt"), record: record,
                          type: .code, maxBytes: 18)
        try request.field("toname", creditor.name, record: record, type: .text, maxBytes: 70)
        request.empty("toidtp")
        request.empty("toidet")
        try request.optionalField("furinfo", transfer.details.purpose, record: record, type: .text, maxBytes: 80)
        request.empty("purpose")
        for reserve in ["reserve1", "reserve2", "reserve3", "reserve4"] { request.empty(reserve) }
        request.close("detail")
    }

    /// An amount in BOC's format: a positive CNY decimal with two decimals (`12345.67`), at most
    /// ``maxAmountDigits`` digits.
    static func amount(_ money: Money, location: String) throws(AdapterError) -> String {
        guard money.currency.code == "CNY" else { throw AdapterError("amount not in CNY", location: location) }
        guard money.minorUnits > 0 else { throw AdapterError("amount must be positive", location: location) }
        guard String(money.minorUnits).utf8.count <= maxAmountDigits else {
            throw AdapterError("amount has more than \(maxAmountDigits) digits", location: location)
        }
        return money.decimalString
    }
}
