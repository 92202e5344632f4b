public import BankGateCore

/// Who the creditor of a transfer is, which chooses ABC's transaction code: bankgate's payment
/// model does not say whether an account belongs to a person.
public enum ABCPayee: Hashable, Sendable {
    /// A company or organisation (对公): `CFRT02`, or `CFRT01` to one of our own accounts.
    case organisation
    /// A person (对私): `CFRT21` at ABC; another bank's customer goes through `CFRT02` like a company.
    case individual
}

extension ABCAdapter {
    /// Writes the single transfer of `message`, framed for the client:
    /// - `CFRT01` (集团内汇兑) when the creditor's account is one of ours (in ``provinceCodes``) and
    ///   `same_bank` is true: its province code is known;
    /// - `CFRT21` (汇兑-单笔对私) for an individual at ABC;
    /// - `CFRT02` (汇兑-单笔对公) otherwise, `OthBankFlag` 0 (ABC) or 1 (another bank, with the
    ///   creditor bank's CNAPS code `CrBankNo` and name `CrBankName`).
    ///
    /// `ReqSeqNo` is the transfer's `instructionId`: fixed before the first send and reused on every
    /// resend, so the status query (`CQRT04`) finds it; `ReqDate`/`ReqTime` come from the message's
    /// creation time, so a resend is byte-identical.
    /// - Throws: ``AdapterError`` located at the field (`Corp/CrAccName`) for text GBK cannot carry,
    ///   a field over its byte limit, a field the route needs that the payment lacks, or more than
    ///   one transfer.
    public func encodePayment(_ message: PaymentMessage, payee: ABCPayee = .organisation) throws(AdapterError) -> EncodedMessage {
        guard message.transfers.count == Self.maxTransfersPerMessage else {
            throw AdapterError("ABC's single-transfer codes carry exactly one transfer, not \(message.transfers.count)")
        }
        let transfer = message.transfers[0]
        let debtor = message.debtor
        guard let sameBank = transfer.details.sameBank else {
            throw AdapterError("ABC requires to know whether the creditor banks with ABC (same_bank)",
                               location: "Corp/OthBankFlag")
        }
        let ownAccountProvince = sameBank ? provinceCodes[transfer.creditor.account] : nil
        let code = ownAccountProvince != nil ? "CFRT01" : (payee == .individual && sameBank ? "CFRT21" : "CFRT02")
        let debtorProvince = try provinceCode(debtor, location: "Cmp/DbProv")
        let debtorCurrency = try Self.currencyCode(debtor.currency, location: "Cmp/DbCur")
        let amount = try Self.amountText(transfer.amount, location: "ap/Amt")

        var request = try ABCRequestWriter(code: code, adapter: self, requestId: transfer.instructionId, at: message.createdAt)
        request.constant("Amt", amount)
        request.open("Cmp")
        request.constant("DbProv", debtorProvince)
        try request.field("DbAccNo", debtor.number, type: .account, maxBytes: 32)
        request.constant("DbLogAccNo", "")
        request.constant("DbCur", debtorCurrency)
        if let ownAccountProvince {
            try request.field("CrProv", ownAccountProvince, type: .code, maxBytes: 2)
        } else {
            // The creditor's province is known only for our own accounts; the sources leave it empty otherwise.
            request.constant("CrProv", "")
        }
        try request.field("CrAccNo", transfer.creditor.account, type: .account, maxBytes: 32)
        request.constant("CrLogAccNo", "")
        request.constant("CrCur", debtorCurrency)
        // 校验贷方户名: 1 = the bank checks the creditor's name against the account.
        request.constant("ConFlag", "1")
        request.close("Cmp")

        request.open("Corp")
        if code != "CFRT01" {
            request.constant("PsFlag", "")
            request.constant("BookingFlag", "0")
            request.constant("BookingDate", "")
            request.constant("BookingTime", "")
            request.constant("UrgencyFlag", transfer.details.priority == .urgent ? "Y" : "N")
        }
        request.constant("OthBankFlag", sameBank ? "0" : "1")
        if !sameBank {
            guard let bankCode = transfer.creditor.bankCode, CNAPS.isValid(bankCode) else {
                throw AdapterError("ABC requires the creditor bank's CNAPS code for another bank (OthBankFlag=1)",
                                   location: "Corp/CrBankNo")
            }
            // 它行行别: the CNAPS bank category (first three digits).
            request.constant("CrBankType", String(bankCode.prefix(3)))
            try request.field("CrAccName", transfer.creditor.name, type: .text, maxBytes: 60)
            guard let bankName = transfer.creditor.bankAndBranchText else {
                throw AdapterError("ABC requires the creditor's bank name for another bank (OthBankFlag=1)",
                                   location: "Corp/CrBankName")
            }
            try request.field("CrBankName", bankName, type: .text, maxBytes: 60)
            request.constant("CrBankNo", bankCode)
        } else {
            try request.field("CrAccName", transfer.creditor.name, type: .text, maxBytes: 60)
        }
        try request.field("DbAccName", debtor.name, type: .text, maxBytes: 60)
        try request.field("WhyUse", transfer.details.purpose ?? "", type: .text, maxBytes: 30, allowEmpty: true)
        try request.field("Postscript", transfer.remittanceInfo ?? "", type: .text, maxBytes: 60, allowEmpty: true)
        request.close("Corp")

        return EncodedMessage(kind: "ABC." + code, contentType: Self.contentType,
                              fileName: Self.fileName(code, transfer.instructionId), bytes: try frame(try request.finish()))
    }

    /// Asks for the result of a transfer whose answer was lost or incomplete (`CQRT04`, 异常交易结果查询):
    /// `Cmp` with the debtor's `DbProv`, `DbAccNo`, `DbCur` and `CmeSeqNo` = the `ReqSeqNo` sent.
    ///
    /// The query needs the debtor account (ABC looks the transfer up under it) but no date.
    /// - Parameters:
    ///   - reference: the `ReqSeqNo` of the transfer (its `instructionId`).
    ///   - account: the debtor account the transfer was sent from.
    ///   - queryId: the query's own `ReqSeqNo`.
    ///   - requestedAt: the query's time (`ReqDate`/`ReqTime`).
    public func encodeStatusQuery(reference: String, account: DebtorAccount, queryId: String,
                                  requestedAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        try Self.checkReference(reference, location: "Cmp/CmeSeqNo")
        let province = try provinceCode(account, location: "Cmp/DbProv")
        let currency = try Self.currencyCode(account.currency, location: "Cmp/DbCur")
        var request = try ABCRequestWriter(code: "CQRT04", adapter: self, requestId: queryId, at: requestedAt)
        request.open("Cmp")
        request.constant("DbProv", province)
        try request.field("DbAccNo", account.number, type: .account, maxBytes: 32)
        request.constant("DbCur", currency)
        request.constant("CmeSeqNo", reference)
        request.close("Cmp")
        return EncodedMessage(kind: "ABC.CQRT04", contentType: Self.contentType,
                              fileName: Self.fileName("CQRT04", queryId), bytes: try frame(try request.finish()))
    }
}
