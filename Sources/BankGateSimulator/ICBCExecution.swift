import BankGateCore
import BankGateXML

/// ICBC's rules for one `PAYENT` package on top of the profile-independent ``PaymentExecution``: the
/// duplicate check on the package id (`fSeqno`), the bank's number for the package (`SerialNo`), the
/// ledger rules per `rd`, and the package stored under its `fSeqno` for `QPAYENT`.
enum ICBCExecution {
    /// `Result` of an executed record (处理成功).
    static let executed = "7"
    /// `Result` of a record the bank refused (被银行拒绝).
    static let refused = "6"

    /// What one package came to.
    enum Outcome: Hashable, Sendable {
        /// The package id was received before: nothing done (`B0012`).
        case duplicate
        /// Executed: the bank's `SerialNo` and the answer's `out`.
        case executed(serialNumber: String, items: [ICBCBankCodec.Item], transfers: Int)
    }

    /// The simulator's `iRetCode` for a ledger refusal: `SIM` and the ISO 20022 reason code (ICBC's own
    /// business codes are not public), and the Chinese `iRetMsg`.
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
        return ("SIM" + rejection.code, text)
    }

    /// `SerialNo`: `SIM` and the ledger's sequence number of the package in 12 digits.
    static func serialNumber(_ sequence: Int64) -> String { "SIM" + ICBCBankCodec.padded(sequence, to: 12) }

    /// Executes a package (or refuses it as a duplicate). Call inside one write transaction.
    static func run(_ package: ICBCPaymentPackage, profile: ICBCProfile, on execution: inout PaymentExecution) throws -> Outcome {
        if try execution.storedAnswer(key: package.packageId) != nil { return .duplicate }
        let sequence = try execution.record(key: package.packageId, status: "RECEIVED", answer: Array("<pending/>".utf8))
        let serial = serialNumber(sequence)
        let (day, time) = ICBCBankCodec.chinaTime(execution.executedAt)
        var answered: [ICBCBankCodec.Item] = [
            .value("OnlBatF", package.onlineFlag), .value("SettleMode", package.settleMode),
            .value("TotalNum", package.totalNumber), .value("TotalAmt", package.totalAmount),
        ]
        var stored: [(String, [ICBCBankCodec.Field])] = []
        var executedCount = 0
        for transfer in package.transfers {
            // A record without Ref is still told apart: the package id and its iSeqno.
            let reference = transfer.reference ?? package.packageId + "/" + transfer.sequence
            let result: Result<Money, TransferRejection>
            if let known = profile.knownAccount(transfer.debtorAccount), known.name != transfer.debtorName {
                result = .failure(TransferRejection(code: "AC01", text: "PayAccNameCN is not the account's holder"))
            } else {
                result = try execution.execute(LedgerInstruction(
                    key: package.packageId, paymentInformationId: serial, instructionId: reference, endToEndId: reference,
                    debtorAccount: transfer.debtorAccount, openingCurrency: Currency(code: "CNY"), amount: transfer.amount,
                    creditorAccount: transfer.creditorAccount))
            }
            var outcome: [ICBCBankCodec.Field]
            switch result {
            case .success:
                executedCount += 1
                outcome = [.init("Result", executed), .init("iRetCode", "0"), .init("iRetMsg", ""),
                           .init("instrRetCode", "0"), .init("instrRetMsg", "处理成功")]
            case .failure(let rejection):
                let error = errorCode(rejection)
                outcome = [.init("Result", refused), .init("iRetCode", error.code), .init("iRetMsg", error.text),
                           .init("instrRetCode", error.code), .init("instrRetMsg", error.text)]
            }
            var record: [ICBCBankCodec.Field] = [.init("iSeqno", transfer.sequence), .init("OrderNo", transfer.sequence),
                                                 .init("PayAmt", transfer.amountText)]
            if let given = transfer.reference { record.append(.init("Ref", given)) }
            answered.append(.record("rd", record + outcome.prefix(3)))
            // The QPAYENT record: the request's fields, the outcome and when the bank answered it.
            var full: [ICBCBankCodec.Field] = [
                .init("iSeqno", transfer.sequence), .init("QryOrderNo", transfer.sequence), .init("PayType", transfer.payType),
                .init("PayAccNo", transfer.debtorAccount), .init("PayAccNameCN", transfer.debtorName),
                .init("RecAccNo", transfer.creditorAccount), .init("RecAccNameCN", transfer.creditorName),
                .init("SysIOFlg", transfer.sameBank ? "1" : "2"),
            ]
            if let city = transfer.creditorCity { full.append(.init("RecCityName", city)) }
            if let code = transfer.creditorBankCode { full.append(.init("RecBankNo", code)) }
            if let bank = transfer.creditorBankName { full.append(.init("RecBankName", bank)) }
            full += [.init("CurrType", transfer.currencyType), .init("PayAmt", transfer.amountText), .init("UseCN", transfer.purpose)]
            if let postscript = transfer.postscript { full.append(.init("PostScript", postscript)) }
            if let given = transfer.reference { full.append(.init("Ref", given)) }
            full += outcome
            full.append(.init("BankRetTime", day + time))
            stored.append(("rd", full))
        }
        let fragment = ICBCBankCodec.fragment("package", values: [
            .init("TransCode", package.transCode), .init("SerialNo", serial), .init("OnlBatF", package.onlineFlag),
            .init("SettleMode", package.settleMode), .init("TotalNum", package.totalNumber), .init("TotalAmt", package.totalAmount),
        ], records: stored)
        try execution.replaceAnswer(key: package.packageId, status: "DONE", answer: fragment)
        return .executed(serialNumber: serial, items: answered, transfers: executedCount)
    }

    /// The `out` of a `QPAYENT` answer from the package stored under `packageId`.
    static func statusItems(packageId: String, stored: XMLNode) -> (serialNumber: String?, items: [ICBCBankCodec.Item]) {
        let serial = ICBCBankCodec.text(stored.child("SerialNo"))
        var items: [ICBCBankCodec.Item] = [.value("QryfSeqno", packageId), .value("QrySerialNo", serial ?? "")]
        for name in ["OnlBatF", "SettleMode", "TotalNum", "TotalAmt"] {
            items.append(.value(name, ICBCBankCodec.text(stored.child(name)) ?? ""))
        }
        for record in stored.children("rd") {
            items.append(.record("rd", ICBCBankCodec.fields(of: record)))
        }
        return (serial, items)
    }

    /// `text` cut into pieces of `lengths` characters.
    private static func pieces(_ text: String, _ lengths: [Int]) -> [String] {
        var rest = Substring(text)
        var out: [String] = []
        for length in lengths {
            out.append(String(rest.prefix(length)))
            rest = rest.dropFirst(length)
        }
        return out
    }

    /// The e-receipt key (`Toutfo`, 地区号|网点号|柜员号|主机交易流水号) of `movement`: area 0200, branch
    /// 0600, teller 99999 and the row id in 12 digits. A self-transfer's two sides share it.
    static func receiptKey(_ movement: LedgerMovement) -> String {
        "0200|0600|99999|" + ICBCBankCodec.padded(movement.id, to: 12)
    }

    /// One `QHISD` record of `movement`. `order` is the stored `rd` of the transfer when it came through
    /// this profile (names, purpose, postscript, the creditor's bank).
    static func transactionRecord(_ movement: LedgerMovement, order: XMLNode?, profile: ICBCProfile) -> [ICBCBankCodec.Field] {
        let transfer = movement.transfer
        func ordered(_ name: String) -> String { ICBCBankCodec.text(order?.child(name)) ?? "" }
        let (day, time) = ICBCBankCodec.chinaTime(transfer.executedAt)
        // `2026-11-23-10.35.12.123000`, as ICBC writes QHISD times.
        let stamp = Self.pieces(day, [4, 2, 2]).joined(separator: "-") + "-"
            + Self.pieces(time, [2, 2, 2, 3]).joined(separator: ".") + "000"
        let amount = String(transfer.amount.minorUnits)
        let counterparty = movement.isDebit ? transfer.creditorAccount : transfer.debtorAccount
        let counterpartyName = movement.isDebit ? ordered("RecAccNameCN")
            : (profile.knownAccount(counterparty)?.name ?? ordered("PayAccNameCN"))
        let serial = ICBCBankCodec.padded(movement.id, to: 12)
        var fields: [ICBCBankCodec.Field] = [
            .init("Drcrf", movement.isDebit ? "1" : "2"), .init("VouhNo", "0"),
            .init("DebitAmount", movement.isDebit ? amount : ""), .init("CreditAmount", movement.isDebit ? "" : amount),
            .init("Balance", String(movement.balanceAfter.minorUnits)),
            .init("RecipBkNo", movement.isDebit ? ordered("RecBankNo") : ICBCProfile.bankCode),
            .init("RecipAccNo", counterparty), .init("RecipName", counterpartyName),
            .init("Summary", movement.isDebit ? "转账支出" : "转账收入"),
            .init("UseCN", ordered("UseCN")), .init("PostScript", ordered("PostScript")),
            .init("Date", day), .init("Time", stamp),
            // The payer sees its own Ref; the payee does not.
            .init("Ref", movement.isDebit ? transfer.endToEndId : ""),
            .init("Toutfo", receiptKey(movement)), .init("OnlySequence", "SIM" + serial),
            .init("UpDtranf", "0"), .init("ValueDate", day), .init("TrxCode", movement.isDebit ? "51403" : "51404"),
        ]
        if movement.isDebit, let bank = order.flatMap({ ICBCBankCodec.text($0.child("RecBankName")) }) {
            fields.append(.init("RecipBkName1", bank))
            fields.append(.init("RecipBkNo1", ordered("RecBankNo")))
        }
        fields.append(.init("TInfoNew", receiptKey(movement)))
        fields.append(.init("CurrType", ICBCBankCodec.currencyType(transfer.amount.currency)))
        return fields
    }
}

/// The simulator's use of ICBC's return codes. `B0012` and `B0116` are ICBC's (``ICBCCodes``); the
/// `SIM…` codes are the simulator's own where no public source gives ICBC's (`adapters/icbc/SIMULATOR.md`).
enum ICBCCodesOfSimulator {
    /// 指令包序列号为空或重复: the package id was received before.
    static let duplicate = "B0012"
    static let duplicateText = "指令包序列号为空或重复"
    /// 没有符合条件的记录: `QPAYENT` for a package never received.
    static let noRecord = "B0116"
    static let noRecordText = "没有符合条件的记录"
    /// The request cannot be read (form, GBK, XML, a required field, an inconsistent total).
    static let format = "SIMFMT"
    /// `GroupCIS`/`CIS` or `ID`/`userID` not the ones registered: 证书未注册或与集团不符.
    static let certificate = "SIMCERT"
    /// A document that must be signed came unsigned, or its signed package does not verify.
    static let signature = "SIMSIGN"
    /// The injected failure: 系统忙.
    static let busy = "SIMBUSY"
    /// The maintenance window.
    static let maintenance = "SIMMAINT"
    /// A `TransCode` the simulator does not offer.
    static let unsupported = "SIMTRANS"
    /// An account the bank does not hold (`QHISD`; `QACCBAL` per record in `iRetCode`).
    static let unknownAccount = "SIMAC01"
}

extension ICBCBankCodec {
    /// `CurrType` of a ledger currency: `001` for the renminbi, the ISO code otherwise (which the
    /// gateway does not read).
    static func currencyType(_ currency: Currency) -> String {
        currency.code == "CNY" ? "001" : currency.code
    }
}
