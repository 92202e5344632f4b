public import BankGateCore

extension CMBAdapter {
    /// Writes a direct payment (`DCPAYMNT`: `SDKPAYRQX` with `BUSCOD=N02031`, then one `DCOPDPAYX`
    /// per transfer, at most ``maxTransfersPerMessage``).
    ///
    /// `YURREF`, CMB's duplicate-checked business reference, is the transfer's `instructionId`:
    /// fixed before the first send and reused on every resend, so a resend the bank already has is
    /// refused as `NCB4241` instead of paying twice.
    /// - Throws: ``AdapterError`` located at the field (`DCOPDPAYX/CRTNAM`) for text GBK cannot carry,
    ///   a field over its byte limit, or a field the format requires that the payment lacks.
    public func encodePayment(_ message: PaymentMessage) throws(AdapterError) -> EncodedMessage {
        let transfers = message.transfers
        guard !transfers.isEmpty else { throw AdapterError("a payment message needs at least one transfer") }
        guard transfers.count <= Self.maxTransfersPerMessage else {
            throw AdapterError("\(transfers.count) transfers in one message, over CMB's limit of \(Self.maxTransfersPerMessage)")
        }
        guard message.debtor.currency.code == "CNY" else {
            throw AdapterError("CMB direct payments are in CNY only (CCYNBR 10)", location: "DCOPDPAYX/CCYNBR")
        }
        let record = "DCOPDPAYX"
        let branch = try branchCode(message.debtor, location: record + "/DBTBBK")
        let executionDate = try Self.bankDate(message.requestedExecutionDate, location: record + "/EPTDAT")

        var request = try CMBRequestWriter(function: "DCPAYMNT", loginName: loginName)
        request.open("SDKPAYRQX")
        try request.field("BUSCOD", Self.directPaymentBusinessCode, record: "SDKPAYRQX", type: .code, maxBytes: 6)
        try request.field("BUSMOD", Self.directPaymentBusinessMode, record: "SDKPAYRQX", type: .code, maxBytes: 5)
        request.close("SDKPAYRQX")
        for transfer in transfers {
            try Self.writeTransfer(transfer, debtor: message.debtor, branch: branch, executionDate: executionDate,
                                   into: &request)
        }
        let bytes = try request.finish()
        let reference = transfers.count == 1 ? transfers[0].instructionId : message.messageId
        return EncodedMessage(kind: "CMB.DCPAYMNT", contentType: Self.contentType,
                              fileName: Self.fileName("DCPAYMNT", reference), bytes: bytes)
    }

    /// One `DCOPDPAYX`, fields in the order of the API documentation (5.37.0, 3.6).
    private static func writeTransfer(_ transfer: CreditTransfer, debtor: DebtorAccount, branch: String,
                                      executionDate: String, into request: inout CMBRequestWriter) throws(AdapterError) {
        let record = "DCOPDPAYX"
        let amount = transfer.amount
        guard amount.currency.code == "CNY" else {
            throw AdapterError("amount not in CNY", location: record + "/TRSAMT")
        }
        guard amount.minorUnits > 0 else { throw AdapterError("amount must be positive", location: record + "/TRSAMT") }
        guard String(amount.minorUnits).utf8.count <= maxAmountDigits else {
            throw AdapterError("amount has more than \(maxAmountDigits) digits", location: record + "/TRSAMT")
        }
        guard let purpose = transfer.details.purpose, !purpose.isEmpty else {
            throw AdapterError("CMB requires a purpose (用途)", location: record + "/NUSAGE")
        }
        guard let sameBank = transfer.details.sameBank else {
            throw AdapterError("CMB requires to know whether the creditor banks with CMB (same_bank)",
                               location: record + "/BNKFLG")
        }
        let creditor = transfer.creditor

        request.open(record)
        try request.field("YURREF", transfer.instructionId, record: record, type: .code, maxBytes: 30)
        try request.field("EPTDAT", executionDate, record: record, type: .code, maxBytes: 8)
        try request.field("DBTACC", debtor.number, record: record, type: .account, maxBytes: 35)
        try request.field("DBTBBK", branch, record: record, type: .code, maxBytes: 2)
        try request.field("TRSAMT", amount.decimalString, record: record, type: .code, maxBytes: 17)
        try request.field("CCYNBR", "10", record: record, type: .code, maxBytes: 2)
        // Settlement channel: N 普通, F 快速; only other-bank transfers use it.
        try request.field("STLCHN", transfer.details.priority == .urgent ? "F" : "N", record: record, type: .code, maxBytes: 1)
        try request.field("NUSAGE", purpose, record: record, type: .text, maxBytes: 62)
        if let remittance = transfer.remittanceInfo, !remittance.isEmpty {
            try request.field("BUSNAR", remittance, record: record, type: .text, maxBytes: 200)
        }
        try request.field("BNKFLG", sameBank ? "Y" : "N", record: record, type: .code, maxBytes: 1)
        try request.field("CRTACC", creditor.account, record: record, type: .account, maxBytes: 35)
        try request.field("CRTNAM", creditor.name, record: record, type: .text, maxBytes: 62)
        if !sameBank, let code = creditor.bankCode, CNAPS.isValid(code) {
            try request.field("BRDNBR", code, record: record, type: .code, maxBytes: 30)
        }
        if let bank = creditor.bankAndBranchText {
            try request.field("CRTBNK", bank, record: record, type: .text, maxBytes: 62)
        } else if !sameBank {
            throw AdapterError("CMB requires the creditor's bank name for another bank (BNKFLG=N)",
                               location: record + "/CRTBNK")
        }
        if let address = creditor.address.map(\.singleLineText), !address.isEmpty {
            try request.field("CRTADR", address, record: record, type: .text, maxBytes: 62)
        } else if !sameBank {
            throw AdapterError("CMB requires the creditor's address for another bank (BNKFLG=N)",
                               location: record + "/CRTADR")
        }
        request.close(record)
    }
}
