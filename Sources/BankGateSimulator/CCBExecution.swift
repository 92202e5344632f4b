import BankGateCore
import BankGateXML

/// One `6W8010` (same-bank) or `6W8060` (other bank) transfer, as received.
struct CCBTransferRequest: Hashable, Sendable {
    /// `REQUEST_SN`: the client's request number and the duplicate-check key.
    var requestNumber: String
    /// `TX_CODE`.
    var code: String
    /// `PAY_ACCNO`, `RECV_ACCNO`, `RECV_ACC_NAME`.
    var debtorAccount: String
    var creditorAccount: String
    var creditorName: String
    /// `CHK_RECVNAME=1` (6W8010): the creditor's name is checked against the account.
    var checksName: Bool
    /// `RECV_UBANKNO` (6W8060), `RECV_OPENACC_DEPT`.
    var creditorBankCode: String?
    var creditorBank: String?
    /// `AMOUNT` in CNY (`CUR_TYPE=01`).
    var amount: Money
    /// `USEOF`, and `REM1` + `REM2`.
    var purpose: String
    var remarks: String?

    /// Reads a transfer request's `TX_INFO`.
    /// - Throws: ``CCBBankCodec/Refusal``: `0130Z1101001` for a missing field, `0130Z1101002` for one
    ///   out of format or range, `0130Z1101003` for a `REQUEST_SN` that is not 1–16 digits.
    static func read(_ request: CCBBankCodec.Request) throws(CCBBankCodec.Refusal) -> CCBTransferRequest {
        let number = try request.checkedRequestNumber()
        let required = request.required
        let otherBank = request.code == CCBExecution.otherBankCode
        if otherBank {
            guard try required("TRAN_TYPE") == "0" else { throw .outOfRange("TRAN_TYPE") }
        }
        var transfer = CCBTransferRequest(
            requestNumber: number, code: request.code, debtorAccount: try required("PAY_ACCNO"),
            creditorAccount: try required("RECV_ACCNO"), creditorName: try required("RECV_ACC_NAME"),
            checksName: !otherBank && request.info("CHK_RECVNAME") == "1",
            creditorBankCode: request.info("RECV_UBANKNO"), creditorBank: request.info("RECV_OPENACC_DEPT"),
            amount: Money(minorUnits: 0, currency: CCBExecution.cny), purpose: "", remarks: nil)
        let amountText = try required("AMOUNT")
        guard try required("CUR_TYPE") == "01" else { throw .outOfRange("CUR_TYPE") }
        guard let amount = try? Money(parsing: amountText, currency: CCBExecution.cny), amount.minorUnits > 0 else {
            throw .outOfRange("AMOUNT")
        }
        transfer.amount = amount
        transfer.purpose = try required("USEOF")
        if otherBank {
            let code = try required("RECV_UBANKNO")
            guard code.utf8.count == 12, code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw .outOfRange("RECV_UBANKNO")
            }
            transfer.creditorBank = try required("RECV_OPENACC_DEPT")
        }
        let remarks = (request.info("REM1") ?? "") + (request.info("REM2") ?? "")
        transfer.remarks = remarks.isEmpty ? nil : remarks
        return transfer
    }
}

extension CCBTransferRequest {
    /// Reads a single 代发's (`6W1303`) `TX_INFO` as a transfer from `ACC_NO1` to `ACC_NO2`
    /// (`OTHER_NAME`), under the agreement `BILL_CODE`, which must be the profile's.
    /// - Throws: ``CCBBankCodec/Refusal`` as ``read(_:)``; `0130Z1101002` for another agreement
    ///   or a `UBANK_NO` that is not a 12-digit CNAPS code.
    static func readPayrollLine(_ request: CCBBankCodec.Request, profile: CCBProfile) throws(CCBBankCodec.Refusal) -> CCBTransferRequest {
        let number = try request.checkedRequestNumber()
        let required = request.required
        guard try required("BILL_CODE") == profile.payrollBillCode else { throw .outOfRange("BILL_CODE") }
        _ = try required("USEOF_CODE")
        guard ["0", "1"].contains(try required("FLOW_FLAG")) else { throw .outOfRange("FLOW_FLAG") }
        let bankCode = request.info("UBANK_NO")
        if let bankCode, bankCode.utf8.count != 12 || !bankCode.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            throw .outOfRange("UBANK_NO")
        }
        let amountText = try required("AMOUNT")
        guard let amount = try? Money(parsing: amountText, currency: CCBExecution.cny), amount.minorUnits > 0 else {
            throw .outOfRange("AMOUNT")
        }
        let remarks = (request.info("REM1") ?? "") + (request.info("REM2") ?? "")
        return CCBTransferRequest(
            requestNumber: number, code: request.code, debtorAccount: try required("ACC_NO1"),
            creditorAccount: try required("ACC_NO2"), creditorName: try required("OTHER_NAME"), checksName: true,
            creditorBankCode: bankCode, creditorBank: nil, amount: amount, purpose: try required("USEOF_CODE"),
            remarks: remarks.isEmpty ? nil : remarks)
    }
}

extension CCBBankCodec.Request {
    /// `REQUEST_SN`, which must be 1 to 16 digits (else `0130Z1101003`).
    func checkedRequestNumber() throws(CCBBankCodec.Refusal) -> String {
        guard (1...16).contains(requestNumber.utf8.count), requestNumber.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw CCBBankCodec.Refusal.unreadable("REQUEST_SN 须为1至16位数字")
        }
        return requestNumber
    }

    /// `TX_INFO/name`, which must be given (else `0130Z1101001`).
    func required(_ name: String) throws(CCBBankCodec.Refusal) -> String {
        guard let value = info(name) else { throw .incomplete(name) }
        return value
    }
}

/// CCB's rules for one transfer on top of the profile-independent ``PaymentExecution``: the duplicate
/// check on `REQUEST_SN`, a voucher number (`CREDIT_NO`) per new transfer, the name check of
/// `CHK_RECVNAME=1`, the ledger rules, and the record stored under the `REQUEST_SN` that `6W0600` and
/// `6WY101` answer from.
enum CCBExecution {
    static let sameBankCode = "6W8010"
    static let otherBankCode = "6W8060"
    /// A single 代发, answered like a transfer; its result is asked with `6W1503`.
    static let payrollCode = "6W1303"
    static let cny = Currency(code: "CNY")!

    /// `RETURN_CODE` and `RETURN_MSG` of a `REQUEST_SN` used before (记录重复), the codec's duplicate code.
    static let duplicate = CCBBankCodec.Refusal(code: "0130Z110B144", message: "记录重复，请与当地银行联系")
    /// The name of the stored record.
    static let recordName = "CCBTRANSFER"

    /// The answer's `RETURN_CODE` and `RETURN_MSG` for a ledger refusal. Codes from the codec's table
    /// where one fits (`0130Z1101004` for an account the bank cannot use, `0130Z0100005` 户名不符);
    /// otherwise the simulator's `0130ZSIM` + the ledger's ISO 20022 reason (CCB's business codes are
    /// not public), which the codec reads as unknown, so the gateway asks `6W0600` (`DEAL_RESULT=5`).
    static func returnCode(_ rejection: TransferRejection) -> (code: String, message: String) {
        switch rejection.code {
        case "AC01": ("0130Z1101004", "账号尚未申请网上操作功能或账号无效")
        case "NAME": ("0130Z0100005", "户名不符")
        case "AC04": ("0130ZSIMAC04", "账户已销户")
        case "AC06": ("0130ZSIMAC06", "账户已冻结")
        case "AM03": ("0130ZSIMAM03", "币种不符")
        case "AM04": ("0130ZSIMAM04", "余额不足")
        default: ("0130ZSIM" + String(rejection.code.prefix(4)), "交易失败")
        }
    }

    /// The outcome of one transfer: the answer's return code and message, and `CREDIT_NO` when executed.
    struct Outcome: Hashable, Sendable {
        var returnCode: String
        var message: String
        var voucher: String?
    }

    /// Executes one transfer, or refuses it as a duplicate without executing it again.
    static func run(_ transfer: CCBTransferRequest, profile: CCBProfile,
                    on execution: inout PaymentExecution) throws -> Outcome {
        if try execution.storedAnswer(key: transfer.requestNumber) != nil {
            return Outcome(returnCode: duplicate.code, message: duplicate.message, voucher: nil)
        }
        let sequence = try execution.record(key: transfer.requestNumber, status: "RCV", answer: Array("<pending/>".utf8))
        let voucher = CCBBankCodec.padded(sequence, to: 12)
        let result: Result<Money, TransferRejection>
        if transfer.checksName, let known = profile.knownAccount(transfer.creditorAccount), known.name != transfer.creditorName {
            result = .failure(TransferRejection(code: "NAME", text: "creditor name does not match the account"))
        } else {
            result = try execution.execute(LedgerInstruction(
                key: transfer.requestNumber, paymentInformationId: voucher, instructionId: transfer.requestNumber,
                endToEndId: transfer.requestNumber, debtorAccount: transfer.debtorAccount, openingCurrency: cny,
                amount: .success(transfer.amount), creditorAccount: transfer.creditorAccount))
        }
        let outcome: Outcome
        let dealResult: String
        switch result {
        case .success:
            outcome = Outcome(returnCode: "000000", message: "", voucher: voucher)
            dealResult = "4"
        case .failure(let rejection):
            let (code, message) = returnCode(rejection)
            outcome = Outcome(returnCode: code, message: message, voucher: nil)
            // `6W1503` says 3 for a failed 代发, `6W0600` 5 for a failed transfer.
            dealResult = transfer.code == payrollCode ? "3" : "5"
        }
        var xml = XMLWriter(capacity: 512)
        xml.open(recordName)
        CCBBankCodec.write([
            "REQUEST_SN1": transfer.requestNumber, "CREDIT_NO": outcome.voucher ?? "", "DEAL_RESULT": dealResult,
            "MESSAGE": outcome.returnCode == "000000" ? "交易成功" : outcome.returnCode + " " + outcome.message,
            "TX_CODE": transfer.code, "PAY_ACCNO": transfer.debtorAccount, "RECV_ACCNO": transfer.creditorAccount,
            "RECV_ACC_NAME": transfer.creditorName, "RECV_UBANKNO": transfer.creditorBankCode ?? "",
            "RECV_OPENACC_DEPT": transfer.creditorBank ?? "", "USEOF": transfer.purpose, "REM": transfer.remarks ?? "",
        ], to: &xml)
        xml.close(recordName)
        try execution.replaceAnswer(key: transfer.requestNumber, status: dealResult, answer: xml.bytes)
        return outcome
    }
}
