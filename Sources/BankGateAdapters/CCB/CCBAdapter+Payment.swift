public import BankGateCore

extension CCBAdapter {
    /// `TX_CODE` of a transfer to another CCB account (外联平台自动转账, 行内).
    public static let sameBankTransferCode = "6W8010"
    /// `TX_CODE` of a transfer to another bank (建行转他行, `TRAN_TYPE=0`).
    public static let otherBankTransferCode = "6W8060"
    /// `TX_CODE` of a single 代发 (payroll-style credit through a 代发代扣 agreement).
    public static let payrollCode = "6W1303"

    /// Writes a single transfer: `6W8010` when the creditor banks with CCB, `6W8060` otherwise.
    ///
    /// `REQUEST_SN`, CCB's request number and the key of the status query (`REQUEST_SN1`), is the
    /// transfer's `instructionId`: fixed before the first send and reused on every resend. CCB wants
    /// 1 to 16 digits: an instruction id that is not is refused here, never shortened (a shortened
    /// reference could name another payment).
    /// - Throws: ``AdapterError`` located at the field (`TX_INFO/RECV_ACC_NAME`) for text GB2312
    ///   cannot carry, a field over its byte limit, or a field the format requires that the payment
    ///   lacks; at `TX` for more than one transfer.
    public func encodePayment(_ message: PaymentMessage) throws(AdapterError) -> EncodedMessage {
        let transfer = try Self.singleTransfer(message)
        guard let sameBank = transfer.details.sameBank else {
            throw AdapterError("CCB needs to know whether the creditor banks with CCB (same_bank): 6W8010 or 6W8060",
                               location: "TX/TX_CODE")
        }
        guard let purpose = transfer.details.purpose, !purpose.isEmpty else {
            throw AdapterError("CCB requires a purpose (用途)", location: "TX_INFO/USEOF")
        }
        let creditor = transfer.creditor
        let code = sameBank ? Self.sameBankTransferCode : Self.otherBankTransferCode
        var request = try CCBRequestWriter(code: code, requestNumber: transfer.instructionId, adapter: self)
        if sameBank {
            try request.field("PAY_ACCNO", message.debtor.number, type: .account, maxBytes: 32)
            try request.field("RECV_ACCNO", creditor.account, type: .account, maxBytes: 32)
            try request.field("RECV_ACC_NAME", creditor.name, type: .text, maxBytes: 60)
            try request.field("CHK_RECVNAME", checksCreditorName ? "1" : "0", type: .digits, maxBytes: 1)
            if let bank = creditor.bankAndBranchText {
                try request.field("RECV_OPENACC_DEPT", bank, type: .text, maxBytes: 60)
            }
        } else {
            guard let bankCode = creditor.bankCode, CNAPS.isValid(bankCode) else {
                throw AdapterError("a transfer to another bank needs the creditor bank's CNAPS code (联行号)",
                                   location: "TX_INFO/RECV_UBANKNO")
            }
            guard let bank = creditor.bankAndBranchText else {
                throw AdapterError("a transfer to another bank needs the creditor bank's name", location: "TX_INFO/RECV_OPENACC_DEPT")
            }
            // 0: from CCB to another bank, the only type the sources name.
            try request.field("TRAN_TYPE", "0", type: .digits, maxBytes: 1)
            try request.field("PAY_ACCNO", message.debtor.number, type: .account, maxBytes: 32)
            try request.field("RECV_ACCNO", creditor.account, type: .account, maxBytes: 32)
            try request.field("RECV_ACC_NAME", creditor.name, type: .text, maxBytes: 60)
            try request.field("RECV_UBANKNO", bankCode, type: .digits, maxBytes: 12)
            try request.field("RECV_OPENACC_DEPT", bank, type: .text, maxBytes: 60)
        }
        try request.field("AMOUNT", try Self.amountText(transfer.amount, location: "TX_INFO/AMOUNT"), type: .code, maxBytes: 17)
        try request.field("CUR_TYPE", "01", type: .digits, maxBytes: 2)
        try request.field("USEOF", purpose, type: .text, maxBytes: 38)
        if let remittance = transfer.remittanceInfo, !remittance.isEmpty {
            guard sameBank else {
                throw AdapterError("6W8060 has no remittance field (REM1/REM2 belong to 6W8010): send it without one",
                                   location: "TX_INFO/REM1")
            }
            try Self.writeRemarks(remittance, into: &request)
        }
        return EncodedMessage(kind: "CCB." + code, contentType: Self.contentType,
                              fileName: Self.fileName(code, transfer.instructionId), bytes: try request.finish())
    }

    /// Writes a single 代发 (`6W1303`: `ACC_NO1`, `BILL_CODE`, `ACC_NO2`, `OTHER_NAME`, `AMOUNT`,
    /// `USEOF_CODE`, `FLOW_FLAG`, `UBANK_NO`, `REM1`, `REM2`) under the company's 代发代扣 agreement.
    /// Its result is asked with ``encodePayrollStatusQuery(reference:queryId:)`` (`6W1503`).
    /// - Parameters:
    ///   - billCode: `BILL_CODE`, the agreement's number (代发代扣编号, as in online banking).
    ///   - purposeCode: `USEOF_CODE`, the agreement's purpose code (e.g. `00000001` 工资).
    ///   - requiresApproval: `FLOW_FLAG`: `1` to wait for approval in online banking, `0` not.
    /// - Throws: ``AdapterError`` as ``encodePayment(_:)``; at `TX_INFO/UBANK_NO` for a creditor at
    ///   another bank without a CNAPS code.
    public func encodePayrollPayment(_ message: PaymentMessage, billCode: String, purposeCode: String,
                                     requiresApproval: Bool = false) throws(AdapterError) -> EncodedMessage {
        let transfer = try Self.singleTransfer(message)
        let creditor = transfer.creditor
        var request = try CCBRequestWriter(code: Self.payrollCode, requestNumber: transfer.instructionId, adapter: self)
        try request.field("ACC_NO1", message.debtor.number, type: .account, maxBytes: 32)
        try request.field("BILL_CODE", billCode, type: .code, maxBytes: 20)
        try request.field("ACC_NO2", creditor.account, type: .account, maxBytes: 32)
        try request.field("OTHER_NAME", creditor.name, type: .text, maxBytes: 60)
        try request.field("AMOUNT", try Self.amountText(transfer.amount, location: "TX_INFO/AMOUNT"), type: .code, maxBytes: 17)
        try request.field("USEOF_CODE", purposeCode, type: .code, maxBytes: 12)
        try request.field("FLOW_FLAG", requiresApproval ? "1" : "0", type: .digits, maxBytes: 1)
        if transfer.details.sameBank != true {
            if let bankCode = creditor.bankCode, CNAPS.isValid(bankCode) {
                try request.field("UBANK_NO", bankCode, type: .digits, maxBytes: 12)
            } else if transfer.details.sameBank == false {
                throw AdapterError("a 代发 to another bank needs the creditor bank's CNAPS code (支付系统行号)",
                                   location: "TX_INFO/UBANK_NO")
            }
        }
        if let remittance = transfer.remittanceInfo, !remittance.isEmpty {
            try Self.writeRemarks(remittance, into: &request)
        }
        return EncodedMessage(kind: "CCB." + Self.payrollCode, contentType: Self.contentType,
                              fileName: Self.fileName(Self.payrollCode, transfer.instructionId), bytes: try request.finish())
    }

    /// The one transfer of `message`, in CNY.
    static func singleTransfer(_ message: PaymentMessage) throws(AdapterError) -> CreditTransfer {
        guard message.transfers.count == maxTransfersPerMessage, let transfer = message.transfers.first else {
            throw AdapterError("\(message.transfers.count) transfers in one message: CCB takes exactly one", location: "TX")
        }
        guard message.debtor.currency.code == "CNY" else {
            throw AdapterError("CCB transfers are in CNY only (CUR_TYPE 01)", location: "TX_INFO/CUR_TYPE")
        }
        return transfer
    }

    /// `AMOUNT` (`Decimal(16,2)`): the decimal text of a positive CNY amount of at most 16 digits.
    static func amountText(_ amount: Money, location: String) throws(AdapterError) -> String {
        guard amount.currency.code == "CNY" else { throw AdapterError("amount not in CNY", location: location) }
        guard amount.minorUnits > 0 else { throw AdapterError("amount must be positive", location: location) }
        guard String(amount.minorUnits).utf8.count <= maxAmountDigits else {
            throw AdapterError("amount has more than \(maxAmountDigits) digits", location: location)
        }
        return amount.decimalString
    }

    /// `REM1` and, for what does not fit in its 32 bytes, `REM2`: the remittance text cut between
    /// characters. Text over 64 bytes of GB2312 is refused.
    static func writeRemarks(_ text: String, into request: inout CCBRequestWriter) throws(AdapterError) {
        let limit = 32
        var first = ""
        var firstBytes = 0
        var rest = Substring(text)
        for character in text {
            let width: Int
            do {
                width = try encoding.byteCount(String(character), field: "TX_INFO/REM1")
            } catch {
                throw AdapterError(error.description, location: "TX_INFO/REM1")
            }
            guard firstBytes + width <= limit else { break }
            first.append(character)
            firstBytes += width
            rest = rest.dropFirst()
        }
        try request.field("REM1", first, type: .text, maxBytes: limit)
        if !rest.isEmpty {
            try request.field("REM2", String(rest), type: .text, maxBytes: limit)
        }
    }
}
