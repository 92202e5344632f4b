import BankGateAdapters
import BankGateCore

/// One `bb1payopx1` as the simulated bank reads it.
struct CMBCloudTransferRequest: Hashable, Sendable {
    var reference: String
    var debtorAccount: String
    var creditorAccount: String
    var creditorName: String
    var amount: Result<Money, TransferRejection>
    var amountText: String
    var sameBank: Bool
    var purpose: String
    var remittance: String?
    var creditorBank: String?
    var creditorBankCode: String?
}

/// CMB's rules for `BB1PAYOP` on top of the profile-independent ``PaymentExecution``: the duplicate check
/// on `yurRef`, a process number (`reqNbr`) per new transfer, the ledger rules, and the `bb1payqrz1`
/// record stored under the `yurRef` for `BB1PAYQR`.
enum CMBCloudExecution {
    /// An object of the members given, in that order.
    static func object(_ pairs: [(String, JSONValue)]) -> JSONValue {
        .object(pairs.map { JSONMember(key: $0.0, value: $0.1) })
    }

    /// Reads the one `bb1payopx1` of a `BB1PAYOP` body.
    static func readPayment(_ body: JSONValue) throws(BankCodecError) -> CMBCloudTransferRequest {
        guard body["bb1paybmx1"]?.arrayValue?.first.flatMap({ CMBCloudBankCodec.text($0, "busCod") }) == "N02030" else {
            throw BankCodecError("bb1paybmx1: busCod must be N02030")
        }
        guard let records = body["bb1payopx1"]?.arrayValue, records.count == 1, let record = records.first else {
            throw BankCodecError("BB1PAYOP takes one bb1payopx1")
        }
        func required(_ name: String) throws(BankCodecError) -> String {
            guard let value = CMBCloudBankCodec.text(record, name) else { throw BankCodecError("bb1payopx1: missing \(name)") }
            return value
        }
        let amountText = try required("trsAmt")
        let amount: Result<Money, TransferRejection>
        if try required("ccyNbr") != "10" {
            amount = .failure(TransferRejection(code: "AM03", text: "currency other than CNY"))
        } else if let money = try? Money(parsing: amountText, currency: Currency(code: "CNY")!), money.minorUnits > 0 {
            amount = .success(money)
        } else {
            amount = .failure(TransferRejection(code: "AM12", text: "invalid amount"))
        }
        return CMBCloudTransferRequest(
            reference: try required("yurRef"), debtorAccount: try required("dbtAcc"), creditorAccount: try required("crtAcc"),
            creditorName: try required("crtNam"), amount: amount, amountText: amountText,
            sameBank: try required("bnkFlg") == "Y", purpose: try required("nusAge"),
            remittance: CMBCloudBankCodec.text(record, "busNar"), creditorBank: CMBCloudBankCodec.text(record, "crtBnk"),
            creditorBankCode: CMBCloudBankCodec.text(record, "brdNbr"))
    }

    /// Executes the transfer (or refuses it as a duplicate) and returns its `bb1payopz1`.
    static func run(_ transfer: CMBCloudTransferRequest, profile: CMBCloudProfile,
                    on execution: inout PaymentExecution) throws -> JSONValue {
        if try execution.storedAnswer(key: transfer.reference) != nil {
            return object([("errCod", .string(CMBCodesOfSimulator.duplicate)), ("errTxt", .string(CMBExecution.duplicateText)),
                           ("reqSts", .string("FIN")), ("rtnFlg", .string("F"))])
        }
        let sequence = try execution.record(key: transfer.reference, status: "BNK", answer: Array("{}".utf8))
        let requestNumber = CMBExecution.requestNumber(sequence)
        let result = try execution.execute(LedgerInstruction(
            key: transfer.reference, paymentInformationId: requestNumber, instructionId: transfer.reference,
            endToEndId: transfer.reference, debtorAccount: transfer.debtorAccount, openingCurrency: Currency(code: "CNY"),
            amount: transfer.amount, creditorAccount: transfer.creditorAccount))
        var outcome: [(String, JSONValue)] = [("reqNbr", .string(requestNumber)), ("reqSts", .string("FIN"))]
        switch result {
        case .success:
            outcome.append(("rtnFlg", .string("S")))
        case .failure(let rejection):
            let error = CMBExecution.errorCode(rejection)
            outcome += [("rtnFlg", .string("F")), ("errCod", .string(error.code)), ("errTxt", .string(error.text))]
        }
        let failure = outcome.first { $0.0 == "errTxt" }?.1.stringValue
        let stored = object(outcome.filter { $0.0 != "errTxt" } + [
            ("yurRef", .string(transfer.reference)), ("busCod", .string("N02030")), ("dbtAcc", .string(transfer.debtorAccount)),
            ("dbtNam", .string(profile.frontEnd.knownAccount(transfer.debtorAccount)?.name ?? "")),
            ("crtAcc", .string(transfer.creditorAccount)), ("crtNam", .string(transfer.creditorName)),
            ("crtBnk", .string(transfer.creditorBank ?? "")), ("brdNbr", .string(transfer.creditorBankCode ?? "")),
            ("ccyNbr", .string("10")), ("trsAmt", .string((try? result.get().decimalString) ?? transfer.amountText)),
            ("bnkFlg", .string(transfer.sameBank ? "Y" : "N")), ("nusAge", .string(transfer.purpose)),
            ("busNar", .string(transfer.remittance ?? "")), ("oprDat", .string(CMBBankCodec.chinaDate(execution.executedAt))),
            ("rtnNar", .string(failure ?? "支付成功")),
        ])
        try execution.replaceAnswer(key: transfer.reference, status: "FIN/" + (failure == nil ? "S" : "F"),
                                    answer: CMBCloudJSON.canonical(stored))
        return object(outcome)
    }

    /// One `ntqactrsz2` of `DCTRSINF`. `order` is the stored `bb1payqrz1` of the transfer when it came
    /// through this profile (purpose, remittance, the creditor's name).
    static func transactionRecord(_ movement: LedgerMovement, order: JSONValue?, profile: CMBCloudProfile) -> JSONValue {
        let transfer = movement.transfer
        func ordered(_ name: String) -> String { CMBCloudBankCodec.text(order, name) ?? "" }
        let when = CMBBankCodec.chinaDateTime(transfer.executedAt)
        let counterparty = movement.isDebit ? transfer.creditorAccount : transfer.debtorAccount
        let counterpartyName = movement.isDebit ? ordered("crtNam") : (profile.frontEnd.knownAccount(counterparty)?.name ?? ordered("dbtNam"))
        var fields: [(String, JSONValue)] = [
            ("amtcdr", .string(movement.isDebit ? "D" : "C")), ("etydat", .string(String(when.prefix(8)))),
            ("etytim", .string(String(when.suffix(6)))), ("vltdat", .string(String(when.prefix(8)))),
            ("trsamt", .string((movement.isDebit ? "-" : "") + transfer.amount.decimalString)),
            ("trsblv", .string(movement.balanceAfter.decimalString)), ("refnbr", .string("SIM" + String(movement.id))),
            ("rpyacc", .string(counterparty)), ("rpynam", .string(counterpartyName)),
            ("naryur", .string(ordered("nusAge"))), ("narext", .string(ordered("busNar"))), ("trscod", .string("CPAY")),
        ]
        if movement.isDebit {
            // The payer sees its own reference and process number; the payee does not.
            fields += [("yurref", .string(transfer.endToEndId)), ("reqnbr", .string(order == nil ? "" : transfer.paymentInformationId)),
                       ("rpybnk", .string(ordered("crtBnk")))]
        }
        return object(fields)
    }
}
