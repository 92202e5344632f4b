public import BankGateCore

extension ICBCAdapter {
    /// Writes a payment package (`PAYENT`, 支付指令提交): `in` with `OnlBatF=1`, `SettleMode=0`
    /// (逐笔记账), `TotalNum`, `TotalAmt` and `SignTime`, then one `rd` per transfer, at most
    /// ``maxTransfersPerMessage``.
    ///
    /// `fSeqno`, the package id ICBC refuses twice (`B0012`), is the message's `messageId`: fixed
    /// before the first send and reused on every resend. `iSeqno` numbers the transfers 1, 2, … in
    /// the order of `message.transfers`, and `Ref` (业务编号) carries each transfer's
    /// `instructionId`, so that answers, status queries and statements name the transfer.
    /// `TranDate`, `TranTime` and `SignTime` come from `message.createdAt` (China time), so a resend
    /// is byte-identical. The message contains `SignTime`: it must be signed by the NetSafe Client's
    /// sign port before it is sent (``signRequest(_:)``).
    /// - Throws: ``AdapterError`` located at the field (`rd/RecAccNameCN`) for text GBK cannot
    ///   carry, a field over its byte limit, or a field the format requires that the payment lacks.
    public func encodePayment(_ message: PaymentMessage) throws(AdapterError) -> EncodedMessage {
        try encodePackage(message, transCode: "PAYENT", maxRecords: Self.maxTransfersPerMessage)
    }

    /// A package of `transCode` (`PAYENT`, or `PAYPER` for a payroll) with one `rd` per transfer, at
    /// most `maxRecords`, written as ``encodePayment(_:)`` describes.
    func encodePackage(_ message: PaymentMessage, transCode: String, maxRecords: Int) throws(AdapterError) -> EncodedMessage {
        let transfers = message.transfers
        guard !transfers.isEmpty else { throw AdapterError("a payment message needs at least one transfer") }
        guard transfers.count <= maxRecords else {
            throw AdapterError("\(transfers.count) transfers in one message, over the limit of \(maxRecords)")
        }
        guard message.debtor.currency.code == "CNY" else {
            throw AdapterError("ICBC payments are written in CNY only (CurrType 001)", location: "rd/CurrType")
        }
        let total = message.controlSum
        guard String(total).utf8.count <= Self.maxAmountDigits else {
            throw AdapterError("the total is over \(Self.maxAmountDigits) digits in fen", location: "in/TotalAmt")
        }
        var request = try ICBCRequestWriter(transCode: transCode, adapter: self, packageId: message.messageId,
                                            createdAt: message.createdAt)
        let (date, time) = Self.chinaTime(message.createdAt)
        // 1: an online (联机) package; 0: each transfer booked on its own (逐笔记账, not 并笔).
        try request.field("OnlBatF", "1", record: "in", type: .code, maxBytes: 1)
        try request.field("SettleMode", "0", record: "in", type: .code, maxBytes: 1)
        try request.field("TotalNum", String(transfers.count), record: "in", type: .code, maxBytes: 6)
        try request.field("TotalAmt", String(total), record: "in", type: .code, maxBytes: 17)
        try request.field("SignTime", date + time, record: "in", type: .code, maxBytes: 17)
        for (index, transfer) in transfers.enumerated() {
            try Self.writeTransfer(transfer, sequence: index + 1, debtor: message.debtor, into: &request)
        }
        return EncodedMessage(kind: "ICBC." + transCode, contentType: Self.documentContentType,
                              fileName: Self.fileName(transCode, message.messageId), bytes: try request.finish())
    }

    /// One `rd`, fields in the order of ICBC's integration code; empty optional fields are left out.
    private static func writeTransfer(_ transfer: CreditTransfer, sequence: Int, debtor: DebtorAccount,
                                      into request: inout ICBCRequestWriter) throws(AdapterError) {
        let record = "rd"
        let amount = transfer.amount
        guard amount.currency.code == "CNY" else { throw AdapterError("amount not in CNY", location: record + "/PayAmt") }
        guard amount.minorUnits > 0 else { throw AdapterError("amount must be positive", location: record + "/PayAmt") }
        guard String(amount.minorUnits).utf8.count <= maxAmountDigits else {
            throw AdapterError("amount has more than \(maxAmountDigits) digits in fen", location: record + "/PayAmt")
        }
        guard let purpose = transfer.details.purpose, !purpose.isEmpty else {
            throw AdapterError("ICBC requires a purpose (用途)", location: record + "/UseCN")
        }
        guard let sameBank = transfer.details.sameBank else {
            throw AdapterError("ICBC requires to know whether the creditor banks with ICBC (same_bank)",
                               location: record + "/SysIOFlg")
        }
        let creditor = transfer.creditor

        request.open(record)
        try request.field("iSeqno", String(sequence), record: record, type: .code, maxBytes: 8)
        // PayType: 1 加急 (urgent), 2 普通 (normal, also when the client did not say).
        try request.field("PayType", transfer.details.priority == .urgent ? "1" : "2", record: record, type: .code, maxBytes: 1)
        try request.field("PayAccNo", debtor.number, record: record, type: .account, maxBytes: 34)
        try request.field("PayAccNameCN", debtor.name, record: record, type: .text, maxBytes: 60)
        try request.field("RecAccNo", creditor.account, record: record, type: .account, maxBytes: 34)
        try request.field("RecAccNameCN", creditor.name, record: record, type: .text, maxBytes: 60)
        // SysIOFlg: 1 系统内 (the creditor banks with ICBC), 2 系统外 (another bank).
        try request.field("SysIOFlg", sameBank ? "1" : "2", record: record, type: .code, maxBytes: 1)
        if !sameBank {
            guard let city = creditor.address?.town, !city.isEmpty else {
                throw AdapterError("ICBC requires the creditor's city (address town) for another bank (SysIOFlg=2)",
                                   location: record + "/RecCityName")
            }
            try request.field("RecCityName", city, record: record, type: .text, maxBytes: 40)
            if let code = creditor.bankCode, CNAPS.isValid(code) {
                try request.field("RecBankNo", code, record: record, type: .code, maxBytes: 12)
            }
            guard let bank = creditor.bankAndBranchText else {
                throw AdapterError("ICBC requires the creditor's bank name for another bank (SysIOFlg=2)",
                                   location: record + "/RecBankName")
            }
            try request.field("RecBankName", bank, record: record, type: .text, maxBytes: 60)
        }
        try request.field("CurrType", renminbi, record: record, type: .code, maxBytes: 3)
        try request.field("PayAmt", String(amount.minorUnits), record: record, type: .code, maxBytes: 17)
        try request.field("UseCN", purpose, record: record, type: .text, maxBytes: 20)
        if let remittance = transfer.remittanceInfo, !remittance.isEmpty {
            try request.field("PostScript", remittance, record: record, type: .text, maxBytes: 60)
        }
        try request.field("Ref", transfer.instructionId, record: record, type: .code, maxBytes: 35)
        request.close(record)
    }
}
