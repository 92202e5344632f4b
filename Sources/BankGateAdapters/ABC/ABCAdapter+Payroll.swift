public import BankGateCore

/// A payroll (代发工资, `CFRT03`) as two pieces: the data file the client must find first (uploaded
/// to it by FTP or copied to its directory) and the framed request that names it.
public struct ABCPayroll: Hashable, Sendable {
    /// The fixed-width GBK data file; ``EncodedMessage/fileName`` is the name the request gives.
    public var file: EncodedMessage
    /// The framed `CFRT03` request with `FileFlag=1` and `Cmp/BatchFileName`.
    public var request: EncodedMessage
}

extension ABCAdapter {
    /// Widths of a payroll line in bytes of GBK: name, account (or card) number, amount, note.
    public static let payrollLineWidths = (name: 60, account: 30, amount: 18, note: 30)

    /// Writes a payroll: one line per transfer — the creditor's name (60 bytes), account (30), the
    /// amount with three decimals (18) and the remittance text (30), each left-aligned and padded
    /// with spaces, the line ended by `\n` — and the `CFRT03` request: `Amt` (the total),
    /// `FileFlag=1`, `Cmp` (`DbProv`, `DbAccNo`, `DbCur`, `BatchFileName`), `Corp` (`DbAccName`,
    /// `Postscript`), `Cme/InterBusFlag=1` and `Tulip/批处理` (批交易总金额, 批交易总笔数).
    ///
    /// `ReqSeqNo` is the message id (the batch's stable reference); the file is named
    /// `<ReqSeqNo>.<CorpNo>_<OpNo>.<ReqDate>`. Both are derived from the message alone, so a resend
    /// is byte-identical.
    /// - Throws: ``AdapterError`` located at the field (`CFRT03 file line 2/name`) for text GBK cannot
    ///   carry, a value wider than its column, or a request field out of bounds.
    public func encodePayrollExchange(_ message: PaymentMessage) throws(AdapterError) -> ABCPayroll {
        guard !message.transfers.isEmpty else { throw AdapterError("a payroll needs at least one transfer") }
        let province = try provinceCode(message.debtor, location: "Cmp/DbProv")
        let currency = try Self.currencyCode(message.debtor.currency, location: "Cmp/DbCur")
        let (date, _) = Self.chinaDateTime(message.createdAt)
        try Self.checkReference(message.messageId, location: "ap/ReqSeqNo")
        let fileName = "\(message.messageId).\(corporateNumber)_\(operatorNumber).\(date)"

        var file: [UInt8] = []
        var total: Int64 = 0
        let widths = Self.payrollLineWidths
        for (index, transfer) in message.transfers.enumerated() {
            let location = "CFRT03 file line \(index + 1)"
            let amount = try Self.amountText(transfer.amount, location: location + "/amount")
            let (sum, overflow) = total.addingReportingOverflow(transfer.amount.minorUnits)
            guard !overflow else { throw AdapterError("the total overflows", location: location + "/amount") }
            total = sum
            // Three decimals, as the one public writer of this file does: 12345.67 → 12345.670.
            try Self.appendColumn(transfer.creditor.name, width: widths.name, type: .text, location: location + "/name", to: &file)
            try Self.appendColumn(transfer.creditor.account, width: widths.account, type: .account,
                                  location: location + "/account", to: &file)
            try Self.appendColumn(amount + "0", width: widths.amount, type: .code, location: location + "/amount", to: &file)
            try Self.appendColumn(transfer.remittanceInfo ?? "", width: widths.note, type: .text, location: location + "/note",
                                  to: &file)
            file.append(UInt8(ascii: "\n"))
        }
        let totalText = try Self.amountText(Money(minorUnits: total, currency: message.debtor.currency), location: "ap/Amt")

        var request = try ABCRequestWriter(code: "CFRT03", adapter: self, requestId: message.messageId, at: message.createdAt)
        request.constant("Amt", totalText)
        request.constant("FileFlag", "1")
        request.open("Cmp")
        request.constant("DbProv", province)
        try request.field("DbAccNo", message.debtor.number, type: .account, maxBytes: 32)
        request.constant("DbCur", currency)
        try request.field("BatchFileName", fileName, type: .code, maxBytes: 128)
        request.close("Cmp")
        request.open("Corp")
        try request.field("DbAccName", message.debtor.name, type: .text, maxBytes: 60)
        request.constant("Postscript", "")
        request.close("Corp")
        request.open("Cme")
        request.constant("InterBusFlag", "1")
        request.close("Cme")
        request.open("Tulip")
        request.open("批处理")
        request.constant("批交易总金额", totalText)
        request.constant("批交易总笔数", String(message.transfers.count))
        request.close("批处理")
        request.close("Tulip")

        return ABCPayroll(
            file: EncodedMessage(kind: "ABC.CFRT03.file", contentType: "text/plain; charset=GBK", fileName: fileName, bytes: file),
            request: EncodedMessage(kind: "ABC.CFRT03", contentType: Self.contentType,
                                    fileName: Self.fileName("CFRT03", message.messageId), bytes: try frame(try request.finish())))
    }

    /// Appends `value` in GBK, left-aligned and padded with spaces to `width` bytes.
    private static func appendColumn(_ value: String, width: Int, type: BankFieldType, location: String,
                                     to line: inout [UInt8]) throws(AdapterError) {
        let length = try encoding.checkField(value, type: type, maxBytes: width, location: location, allowEmpty: type == .text)
        do {
            line.append(contentsOf: try encoding.encode(value, field: location))
        } catch {
            throw AdapterError(error.description, location: location)
        }
        line.append(contentsOf: [UInt8](repeating: UInt8(ascii: " "), count: width - length))
    }
}
