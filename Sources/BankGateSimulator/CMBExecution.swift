import BankGateCore
import BankGateXML

/// CMB's rules for one `DCOPDPAYX` on top of the profile-independent ``PaymentExecution``: the duplicate
/// check on `YURREF`, a process number (`REQNBR`) per new transfer, the ledger rules, and the
/// `NTQPAYQYZ` record stored under the `YURREF` for the status queries.
enum CMBExecution {
    /// `ERRTXT` of a duplicate `YURREF`, as in the real published answer.
    static let duplicateText = "NCB4241 -业务参考号重复"

    /// The simulator's `ERRCOD` for a ledger refusal: `SIM` and the ISO 20022 reason code (CMB's own
    /// business codes are not public), and the Chinese text of `ERRTXT`.
    static func errorCode(_ rejection: TransferRejection) -> (code: String, text: String) {
        let text = switch rejection.code {
        case "AC01": "账号无效或不存在"
        case "AC04": "账户已销户"
        case "AC06": "账户已冻结"
        case "AM03": "币种不符"
        case "AM04": "余额不足"
        case "AM12": "金额无效"
        default: "交易失败"
        }
        let code = "SIM" + rejection.code
        return (code, code + " -" + text)
    }

    /// `REQNBR`: the record's sequence number in 10 digits.
    static func requestNumber(_ sequence: Int64) -> String { padded(sequence, to: 10) }

    /// Executes one transfer (or refuses it as a duplicate) and returns its `NTQPAYRQZ`.
    static func run(_ transfer: CMBTransferRequest, profile: CMBProfile,
                    on execution: inout PaymentExecution) throws -> CMBBankCodec.Record {
        let position = padded(Int64(transfer.position), to: 10)
        if try execution.storedAnswer(key: transfer.reference) != nil {
            return CMBBankCodec.Record(name: "NTQPAYRQZ", fields: [
                "ERRCOD": CMBCodesOfSimulator.duplicate, "ERRTXT": duplicateText, "REQSTS": "FIN", "RTNFLG": "F",
                "SQRNBR": position, "YURREF": transfer.reference,
            ])
        }
        // The record first: its sequence number is the process number the answers carry.
        let sequence = try execution.record(key: transfer.reference, status: "BNK", answer: Array("<pending/>".utf8))
        let requestNumber = requestNumber(sequence)
        let result: Result<Money, TransferRejection>
        if !profile.branchMatches(transfer.debtorBranch, number: transfer.debtorAccount) {
            result = .failure(TransferRejection(code: "AC01", text: "debtor branch is not the account's"))
        } else {
            result = try execution.execute(LedgerInstruction(
                key: transfer.reference, paymentInformationId: requestNumber, instructionId: transfer.reference,
                endToEndId: transfer.reference, debtorAccount: transfer.debtorAccount,
                openingCurrency: Currency(code: "CNY"), amount: transfer.amount, creditorAccount: transfer.creditorAccount))
        }
        var fields: [String: String] = ["REQNBR": requestNumber, "REQSTS": "FIN", "YURREF": transfer.reference]
        switch result {
        case .success:
            fields["RTNFLG"] = "S"
        case .failure(let rejection):
            let error = errorCode(rejection)
            fields["RTNFLG"] = "F"
            fields["ERRCOD"] = error.code
            fields["ERRTXT"] = error.text
        }
        var stored = fields
        stored.merge([
            "BNKFLG": transfer.sameBank ? "Y" : "N", "BUSCOD": CMBBankCodec.directPaymentBusinessCode, "BUSMOD": "00001",
            "CCYNBR": transfer.currencyNumber, "CRTACC": transfer.creditorAccount, "CRTBNK": transfer.creditorBank ?? "",
            "CRTNAM": transfer.creditorName, "BRDNBR": transfer.creditorBankCode ?? "",
            "DBTACC": transfer.debtorAccount, "DBTBBK": transfer.debtorBranch,
            "DBTNAM": profile.knownAccount(transfer.debtorAccount)?.name ?? "", "EPTDAT": transfer.executionDate ?? "",
            "NUSAGE": transfer.purpose, "BUSNAR": transfer.remittance ?? "",
            "OPRDAT": CMBBankCodec.chinaDate(execution.executedAt), "STLCHN": transfer.channel ?? "",
            "TRSAMT": (try? result.get().decimalString) ?? transfer.amountText,
            "RTNNAR": fields["ERRTXT"] ?? "支付成功",
        ]) { current, _ in current }
        try execution.replaceAnswer(key: transfer.reference, status: "FIN/" + (fields["RTNFLG"] ?? "F"),
                                    answer: CMBBankCodec.fragment(CMBBankCodec.Record(name: "NTQPAYQYZ", fields: stored)))
        fields["SQRNBR"] = position
        return CMBBankCodec.Record(name: "NTQPAYRQZ", fields: fields)
    }

    /// One `NTQTSINFZ` of `GetTransInfo`. `order` is the stored `NTQPAYQYZ` of the transfer when it came
    /// through this profile (purpose, remittance, the creditor's name and bank).
    static func transactionRecord(_ movement: LedgerMovement, order: XMLNode?, profile: CMBProfile) -> CMBBankCodec.Record {
        let transfer = movement.transfer
        func ordered(_ name: String) -> String { CMBBankCodec.text(order?.child(name)) ?? "" }
        let when = CMBBankCodec.chinaDateTime(transfer.executedAt)
        let counterparty = movement.isDebit ? transfer.creditorAccount : transfer.debtorAccount
        let counterpartyName = movement.isDebit ? ordered("CRTNAM") : (profile.knownAccount(counterparty)?.name ?? ordered("DBTNAM"))
        var fields: [String: String] = [
            "AMTCDR": movement.isDebit ? "D" : "C", "ETYDAT": String(when.prefix(8)), "ETYTIM": String(when.suffix(6)),
            "VLTDAT": String(when.prefix(8)), "TRSBLV": movement.balanceAfter.decimalString,
            "REFNBR": "SIM" + padded(movement.id, to: 12), "RPYACC": counterparty, "RPYNAM": counterpartyName,
            "NUSAGE": ordered("NUSAGE"), "NARYUR": ordered("NUSAGE"), "BUSNAR": ordered("BUSNAR"),
        ]
        fields[movement.isDebit ? "TRSAMTD" : "TRSAMTC"] = transfer.amount.decimalString
        if movement.isDebit {
            // The payer sees its own reference and process number; the payee does not.
            fields["YURREF"] = transfer.endToEndId
            fields["REQNBR"] = order == nil ? "" : transfer.paymentInformationId
            fields["RPYBBN"] = ordered("BRDNBR")
            fields["RPYBNK"] = ordered("CRTBNK")
        }
        return CMBBankCodec.Record(name: "NTQTSINFZ", fields: fields)
    }

    private static func padded(_ value: Int64, to width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// The simulator's use of CMB's codes.
enum CMBCodesOfSimulator {
    /// 业务参考号重复: the `YURREF` was received before.
    static let duplicate = "NCB4241"
}
