import BankGateCore
import BankGateXML

/// ABC's rules for one `CFRT01`/`CFRT02`/`CFRT21` on top of the profile-independent ``PaymentExecution``:
/// the duplicate check on `ReqSeqNo`, a bank sequence number (`RespSeqNo`) per new transfer, the
/// ledger rules, and the result stored under the `ReqSeqNo` for `CQRT04`.
enum ABCExecution {
    /// What became of one payment request.
    enum Outcome: Hashable, Sendable {
        /// The `ReqSeqNo` was received before: nothing was done.
        case duplicate
        /// Executed: the bank's sequence number.
        case executed(sequenceNumber: String)
        /// Refused by the ledger: the sequence number, the answer's `RespCode` and its text.
        case refused(sequenceNumber: String, code: String, text: String)
    }

    /// The result stored per `ReqSeqNo` (UTF-8 XML in the ledger's `received_messages`), which `CQRT04`
    /// answers from.
    struct StoredResult: Hashable, Sendable {
        /// The debited account: `CQRT04` finds a transfer under its debtor account only.
        var debtorAccount: String
        /// The host's result, the last four characters of `RespPrvData`: `0000` or `0389`.
        var hostCode: String
        /// `Corp/Postscript` of the `CQRT04` answer (交易成功, or why it failed).
        var postscript: String
        /// `YYYYMMDDHHMMSS` (China) of the execution, the start of `RespPrvData`.
        var executedAt: String

        var bytes: [UInt8] {
            var xml = XMLWriter(capacity: 256)
            xml.open("Result")
            xml.element("DbAccNo", debtorAccount)
            xml.element("HostCode", hostCode)
            xml.element("Postscript", postscript)
            xml.element("Time", executedAt)
            xml.close("Result")
            return xml.bytes
        }

        init(debtorAccount: String, hostCode: String, postscript: String, executedAt: String) {
            self.debtorAccount = debtorAccount
            self.hostCode = hostCode
            self.postscript = postscript
            self.executedAt = executedAt
        }

        /// Reads what ``bytes`` wrote; `nil` for anything else.
        init?(_ bytes: [UInt8]) {
            guard let root = try? HardenedXML.parse(bytes, maxBytes: 1 << 16), root.name == "Result",
                  let account = ABCBankCodec.text(root.child("DbAccNo")), let host = ABCBankCodec.text(root.child("HostCode")),
                  let time = ABCBankCodec.text(root.child("Time")) else { return nil }
            self.init(debtorAccount: account, hostCode: host, postscript: ABCBankCodec.text(root.child("Postscript")) ?? "",
                      executedAt: time)
        }
    }

    /// `RespSeqNo`: the record's sequence number in 12 digits.
    static func sequenceNumber(_ sequence: Int64) -> String {
        let digits = String(sequence)
        return String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }

    /// The answer's `RespCode` and text for a ledger refusal: `2003` (账号不存在, the one refusal code
    /// public sources give: the gateway reads it as rejected) for an unknown or invalid account, else
    /// `SIM` and the ISO 20022 reason (ABC's own business codes are not public: the gateway reads
    /// them as unknown and asks `CQRT04`, which says `0389` 失败).
    static func refusal(_ rejection: TransferRejection) -> (code: String, text: String) {
        switch rejection.code {
        case "AC01": (ABCCodesOfSimulator.accountRefused, "账号不存在")
        case "AC04": ("SIMAC04", "账户已销户")
        case "AC06": ("SIMAC06", "账户已冻结")
        case "AM03": ("SIMAM03", "币种不符")
        case "AM04": ("SIMAM04", "余额不足")
        case "AM12": ("SIMAM12", "金额无效")
        default: ("SIM" + rejection.code, "交易失败")
        }
    }

    /// Executes one transfer (or refuses it as a duplicate) and stores its result under `ReqSeqNo`.
    static func run(_ transfer: ABCTransferRequest, profile: ABCProfile,
                    on execution: inout PaymentExecution) throws -> Outcome {
        if try execution.storedAnswer(key: transfer.reference) != nil { return .duplicate }
        // The record first: its sequence number is the bank's RespSeqNo.
        let sequence = try execution.record(key: transfer.reference, status: "received", answer: Array("<pending/>".utf8))
        let sequenceNumber = sequenceNumber(sequence)
        let result: Result<Money, TransferRejection>
        if !profile.provinceMatches(transfer.debtorProvince, number: transfer.debtorAccount) {
            result = .failure(TransferRejection(code: "AC01", text: "debtor province is not the account's"))
        } else {
            result = try execution.execute(LedgerInstruction(
                key: transfer.reference, paymentInformationId: sequenceNumber, instructionId: transfer.reference,
                endToEndId: transfer.reference, debtorAccount: transfer.debtorAccount,
                openingCurrency: Currency(code: "CNY"), amount: transfer.amount, creditorAccount: transfer.creditorAccount))
        }
        let executedAt = CMBBankCodec.chinaDateTime(execution.executedAt)
        let outcome: Outcome
        let stored: StoredResult
        switch result {
        case .success:
            outcome = .executed(sequenceNumber: sequenceNumber)
            stored = StoredResult(debtorAccount: transfer.debtorAccount, hostCode: ABCCodesOfSimulator.hostSuccess,
                                  postscript: "交易成功", executedAt: executedAt)
        case .failure(let rejection):
            let (code, text) = refusal(rejection)
            outcome = .refused(sequenceNumber: sequenceNumber, code: code, text: text)
            stored = StoredResult(debtorAccount: transfer.debtorAccount, hostCode: ABCCodesOfSimulator.hostFailure,
                                  postscript: text, executedAt: executedAt)
        }
        try execution.replaceAnswer(key: transfer.reference, status: stored.hostCode, answer: stored.bytes)
        return outcome
    }
}

/// The simulator's use of ABC's codes (`adapters/abc/SIMULATOR.md` § Codes). Only `0000`, `2003`,
/// `9999` and the host results `0000`/`0389` are public; the others are the simulator's own, chosen
/// so that ``BankGateAdapters/ABCCodes`` does not know them and the gateway reads them as unknown.
enum ABCCodesOfSimulator {
    /// `RespCode` 交易成功.
    static let success = "0000"
    /// `RespCode` 账号不存在 / 未对企业授权: an account the bank does not have, or a `CorpNo`/`OpNo`
    /// the client is not logged in as. Nothing is executed; the gateway reads it as rejected.
    static let accountRefused = "2003"
    /// `RespCode` 前置通讯异常: the injected failure and the maintenance window. Nothing is executed;
    /// the gateway reads it as unknown.
    static let communicationError = "9999"
    /// `RespCode` 请求方流水号重复: the `ReqSeqNo` was received before (the code of the adapter's
    /// golden `cfrt02-answer-duplicate.dat`, made up: no public source gives ABC's).
    static let duplicate = "1024"
    /// `RespCode` of a request the simulator cannot read (frame, GBK, XML, a missing field).
    static let formatError = "SIMFMT"
    /// `RespCode` of a transaction code the simulator does not answer (`CFRT21` batch codes, `CQRA14` …).
    static let unsupported = "SIMTXN"
    /// `RespCode` 批量文件错误: a `CFRT03` whose data file is missing from the client's folder,
    /// unreadable, or disagrees with the request's count or total. The batch is refused (recorded as
    /// failed: `CQRT04` says `0389`); the gateway reads the code as unknown and asks.
    static let fileRefused = "SIMFILE"
    /// The host results at the end of `CQRT04`'s `RespPrvData`: booked, failed, and — the
    /// simulator's own — no such transaction under that account.
    static let hostSuccess = "0000"
    static let hostFailure = "0389"
    static let hostNotFound = "S404"
}
