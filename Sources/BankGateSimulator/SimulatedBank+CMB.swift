import BankGateCore
import BankGateStore
import BankGateXML
import Logging

/// The CMB profile's requests: one entry point for everything posted to the front-end's URL.
///
/// Every answer is HTTP 200 with a GBK `CMBSDKPGK` document: the front-end reports problems in
/// `INFO/RETCOD` (`-3` format error, `-4` not logged in, `-1` cannot reach the bank: maintenance,
/// `-5` too frequent: the injected failure, `-2` execution failed: unknown account, `-9` other).
extension SimulatedBank {
    /// `Content-Type` of every CMB answer.
    static let cmbContentType = "text/xml; charset=GBK"

    /// Receives one request posted to the simulated CMB front-end.
    func receiveCMB(_ bytes: [UInt8], profile: CMBProfile) async -> BankAnswer {
        let request: CMBBankCodec.Request
        do {
            request = try CMBBankCodec.readRequest(bytes)
        } catch {
            return await delayed(cmbAnswer(CMBBankCodec.answer(
                function: "", loginName: nil, returnCode: "-3", errorMessage: "数据格式错误: \(error.message)"),
                effect: .unreadable(reason: error.message)))
        }
        func envelope(_ code: String, _ message: String) -> [UInt8] {
            CMBBankCodec.answer(function: request.function, loginName: request.loginName, returnCode: code,
                                errorMessage: message)
        }
        guard request.loginName == profile.loginName else {
            return await delayed(cmbAnswer(envelope("-4", "尚未登录系统"), effect: .refusedForNow))
        }
        if isInMaintenance {
            return await delayed(cmbAnswer(envelope("-1", "前置机无法连接服务器"), effect: .refusedForNow))
        }
        let answer: BankAnswer
        do {
            switch request.function {
            case "DCPAYMNT": answer = await cmbPayment(request, profile: profile)
            case "NTQRYSTY": answer = try await cmbStatusByReference(request)
            case "NTSTLINF": answer = try await cmbStatusByRequestNumber(request)
            case "AgentRequest": answer = await cmbPayroll(request, profile: profile)
            case "NTAGCQRI": answer = try await cmbPayrollStatus(request)
            case "GetAccInfo": answer = try await cmbBalances(request, profile: profile)
            case "GetTransInfo": answer = try await cmbTransactions(request, profile: profile)
            case "SDKCSFDFBRT": answer = try await cmbReceipts(request, profile: profile)
            case "SDKCSFDFBRTIMG": answer = try await cmbReceiptImages(request)
            default: answer = cmbAnswer(envelope("-9", "功能不支持: \(request.function)"), effect: .unreadable(reason: "unknown FUNNAM"))
            }
        } catch let error as BankCodecError {
            answer = cmbAnswer(envelope("-3", "数据格式错误: \(error.message)"), effect: .unreadable(reason: error.message))
        } catch {
            logger.error("bank simulator ledger read failed", metadata: ["error": "\(error)"])
            answer = cmbAnswer(envelope("-9", "其它错误"), effect: .refusedForNow)
        }
        return await delayed(answer)
    }

    private func cmbAnswer(_ body: [UInt8], effect: BankAnswer.Effect) -> BankAnswer {
        BankAnswer(httpStatus: 200, body: body, contentType: Self.cmbContentType, effect: effect)
    }

    // MARK: - DCPAYMNT

    private func cmbPayment(_ request: CMBBankCodec.Request, profile: CMBProfile) async -> BankAnswer {
        func envelope(_ code: String, _ message: String, records: [CMBBankCodec.Record] = []) -> [UInt8] {
            CMBBankCodec.answer(function: request.function, loginName: request.loginName, returnCode: code,
                                errorMessage: message, records: records)
        }
        let transfers: [CMBTransferRequest]
        do {
            transfers = try CMBBankCodec.readPayment(request)
        } catch {
            return cmbAnswer(envelope("-3", "数据格式错误: \(error.message)"), effect: .unreadable(reason: error.message))
        }
        let decision = faults.nextDecision()
        if decision == .fail {
            return cmbAnswer(envelope("-5", "请求太频繁"), effect: .refusedForNow)
        }
        let now = clock.now()
        let accountsListed = self.accountsListed
        let outcome: (records: [CMBBankCodec.Record], executed: Int)
        do {
            outcome = try await database.write { db in
                var execution = PaymentExecution(db: db, accountsListed: accountsListed, executedAt: now)
                var records: [CMBBankCodec.Record] = []
                for transfer in transfers {
                    records.append(try CMBExecution.run(transfer, profile: profile, on: &execution))
                }
                return (records, try execution.commit())
            }
        } catch {
            logger.error("bank simulator ledger write failed", metadata: ["error": "\(error)"])
            return cmbAnswer(envelope("-2", "执行失败"), effect: .refusedForNow)
        }
        logger.info("DCPAYMNT executed", metadata: [
            "transfers": "\(transfers.count)", "executed": "\(outcome.executed)", "fault": "\(decision)",
        ])
        var answer = cmbAnswer(envelope("0", "", records: outcome.records),
                               effect: .handled(subject: transfers.first?.reference ?? "DCPAYMNT"))
        answer.apply(decision)
        return answer
    }

    // MARK: - Status queries

    /// `NTQRYSTY`: per `NTQRYSTYX1`, the stored `NTQPAYQYZ` of `YURREF` when the bank received it on an
    /// operating date (China) from `BGNDAT` to `ENDDAT` (at most 7 days apart); nothing otherwise (nor
    /// for a payroll's `YURREF`: `NTAGCQRI` answers those).
    private func cmbStatusByReference(_ request: CMBBankCodec.Request) async throws -> BankAnswer {
        let queries = request.records("NTQRYSTYX1")
        guard !queries.isEmpty else { throw BankCodecError("missing NTQRYSTYX1") }
        var wanted: [(reference: String, first: Int64, last: Int64)] = []
        for query in queries {
            guard let reference = CMBBankCodec.text(query.child("YURREF")) else {
                throw BankCodecError("NTQRYSTYX1: missing YURREF")
            }
            let (first, last) = try Self.cmbDateRange(query, record: "NTQRYSTYX1", maxDays: 7)
            wanted.append((reference, first, last))
        }
        let queried = wanted
        let found = try await database.read { db -> [[UInt8]] in
            try queried.compactMap { query -> [UInt8]? in
                guard let stored = try SimulatorLedger.receivedMessage(messageId: query.reference, on: db),
                      stored.answer.starts(with: Array("<NTQPAYQYZ>".utf8)),
                      let day = CMBBankCodec.dayNumber(CMBBankCodec.chinaDate(stored.receivedAt)),
                      (query.first...query.last).contains(day) else { return nil }
                return stored.answer
            }
        }
        return cmbAnswer(CMBBankCodec.answer(function: request.function, loginName: request.loginName, returnCode: "0",
                                             stored: found),
                         effect: .handled(subject: wanted[0].reference))
    }

    /// `NTSTLINF`: per `NTSTLINFX/REQNBR` (1–500), the stored `NTQPAYQYZ` of that process number; nothing
    /// for a number the bank never gave.
    private func cmbStatusByRequestNumber(_ request: CMBBankCodec.Request) async throws -> BankAnswer {
        let numbers = request.records("NTSTLINFX").map { CMBBankCodec.text($0.child("REQNBR")) }
        guard (1...500).contains(numbers.count) else { throw BankCodecError("NTSTLINF takes 1 to 500 NTSTLINFX") }
        var sequences: [Int64] = []
        for number in numbers {
            guard let number, number.utf8.count <= 10, let sequence = Int64(number) else {
                throw BankCodecError("NTSTLINFX/REQNBR must be up to 10 digits")
            }
            sequences.append(sequence)
        }
        let wanted = sequences
        let found = try await database.read { db -> [[UInt8]] in
            try wanted.compactMap { sequence -> [UInt8]? in
                guard let stored = try SimulatorLedger.receivedMessage(sequence: sequence, on: db),
                      stored.answer.starts(with: Array("<NTQPAYQYZ>".utf8)) else { return nil }
                return stored.answer
            }
        }
        return cmbAnswer(CMBBankCodec.answer(function: request.function, loginName: request.loginName, returnCode: "0",
                                             stored: found),
                         effect: .handled(subject: "NTSTLINF"))
    }

    // MARK: - Accounts

    /// The account a `SDKACINFX`/`SDKTSINFX` names (`BBKNBR`, `ACCNBR`), or `nil` when the ledger does not
    /// have it or the branch is not the account's.
    private func cmbAccount(_ record: XMLNode, profile: CMBProfile) async throws -> SimulatedAccount? {
        guard let branch = CMBBankCodec.text(record.child("BBKNBR")), let number = CMBBankCodec.text(record.child("ACCNBR")) else {
            throw BankCodecError("\(record.name): BBKNBR and ACCNBR are required")
        }
        guard profile.branchMatches(branch, number: number) else { return nil }
        return try await database.read { db in try SimulatorLedger.account(number, on: db) }
    }

    private func cmbNoAccount(_ request: CMBBankCodec.Request) -> BankAnswer {
        cmbAnswer(CMBBankCodec.answer(function: request.function, loginName: request.loginName, returnCode: "-2",
                                      errorMessage: "执行失败: 账户不存在或无查询权限"),
                  effect: .handled(subject: request.function))
    }

    /// `GetAccInfo`: `NTQACINFZ` with the ledger's balance (`ONLBLV`), the previous China day's closing
    /// balance (`ACCBLV`: today's bookings taken back) and the status (`STSCOD` A open, B blocked, C closed).
    private func cmbBalances(_ request: CMBBankCodec.Request, profile: CMBProfile) async throws -> BankAnswer {
        guard let query = request.records("SDKACINFX").first else { throw BankCodecError("missing SDKACINFX") }
        guard let account = try await cmbAccount(query, profile: profile) else { return cmbNoAccount(request) }
        let today = CMBBankCodec.chinaDate(clock.now())
        let movements = try await database.read { db in try SimulatorLedger.movements(of: account, on: db) }
        let todays = movements.filter { CMBBankCodec.chinaDate($0.transfer.executedAt) == today }
        let previous = todays.first.map {
            $0.balanceAfter.minorUnits + ($0.isDebit ? $0.transfer.amount.minorUnits : -$0.transfer.amount.minorUnits)
        } ?? account.balance.minorUnits
        let currency = account.currency
        func amount(_ minorUnits: Int64) -> String { Money(minorUnits: minorUnits, currency: currency).decimalString }
        let usable = account.status == .open
        let record = CMBBankCodec.Record(name: "NTQACINFZ", fields: [
            "ACCBLV": amount(previous), "ACCNAM": profile.knownAccount(account.number)?.name ?? "",
            "ACCNBR": account.number, "AVLBLV": amount(usable ? account.balance.minorUnits : 0),
            "BBKNBR": CMBBankCodec.text(query.child("BBKNBR")) ?? "",
            "CCYNBR": CMBBankCodec.currencyNumbers[currency.code] ?? "10",
            "HLDBLV": amount(account.status == .blocked ? account.balance.minorUnits : 0), "LMTOVR": amount(0),
            "ONLBLV": amount(account.balance.minorUnits),
            "STSCOD": account.status == .open ? "A" : account.status == .blocked ? "B" : "C",
        ])
        return cmbAnswer(CMBBankCodec.answer(function: request.function, loginName: request.loginName, returnCode: "0",
                                             records: [record]),
                         effect: .handled(subject: request.function))
    }

    /// `GetTransInfo`: one `NTQTSINFZ` per booking on the account whose China date is from `BGNDAT` to
    /// `ENDDAT` (at most 100 days), oldest first, with the balance after it (`TRSBLV`).
    private func cmbTransactions(_ request: CMBBankCodec.Request, profile: CMBProfile) async throws -> BankAnswer {
        guard let query = request.records("SDKTSINFX").first else { throw BankCodecError("missing SDKTSINFX") }
        let (first, last) = try Self.cmbDateRange(query, record: "SDKTSINFX", maxDays: 99)
        guard let account = try await cmbAccount(query, profile: profile) else { return cmbNoAccount(request) }
        let records = try await database.read { db -> [CMBBankCodec.Record] in
            var records: [CMBBankCodec.Record] = []
            for movement in try SimulatorLedger.movements(of: account, on: db) {
                let date = CMBBankCodec.chinaDate(movement.transfer.executedAt)
                guard let day = CMBBankCodec.dayNumber(date), (first...last).contains(day) else { continue }
                let order = try SimulatorLedger.receivedMessage(messageId: movement.transfer.messageId, on: db)
                    .flatMap { try? HardenedXML.parse($0.answer, maxBytes: 1 << 16) }
                records.append(CMBExecution.transactionRecord(movement, order: order, profile: profile))
            }
            return records
        }
        return cmbAnswer(CMBBankCodec.answer(function: request.function, loginName: request.loginName, returnCode: "0",
                                             records: records),
                         effect: .handled(subject: request.function))
    }

    // MARK: - E-receipts

    /// `SDKCSFDFBRT`: per booking on `CSRRCFDFY0/EACNBR` whose China date is from `BEGDAT` to `ENDDAT`
    /// (at most a month: 30 days apart), its receipt records (``CMBReceipts``). The simulator prints
    /// nothing, so `RRCFLG` 1 (not printed) lists every receipt and 2 (printed) none.
    private func cmbReceipts(_ request: CMBBankCodec.Request, profile: CMBProfile) async throws -> BankAnswer {
        guard let query = request.records("CSRRCFDFY0").first else { throw BankCodecError("missing CSRRCFDFY0") }
        let (first, last) = try Self.cmbDateRange(query, record: "CSRRCFDFY0", maxDays: 30, begin: "BEGDAT")
        let flag = CMBBankCodec.text(query.child("RRCFLG"))
        guard flag == "1" || flag == "2" else { throw BankCodecError("CSRRCFDFY0: RRCFLG must be 1 or 2") }
        guard let number = CMBBankCodec.text(query.child("EACNBR")) else { throw BankCodecError("CSRRCFDFY0: EACNBR is required") }
        let faults = self.faults
        let records = try await database.read { db -> [CMBBankCodec.Record]? in
            guard let account = try SimulatorLedger.account(number, on: db) else { return nil }
            guard flag == "1" else { return [] }
            var records: [CMBBankCodec.Record] = []
            for movement in try SimulatorLedger.movements(of: account, on: db) {
                guard let day = CMBBankCodec.dayNumber(CMBBankCodec.chinaDate(movement.transfer.executedAt)),
                      (first...last).contains(day), !faults.withholdsReceipt(account: number, movementId: movement.id) else { continue }
                let order = try SimulatorLedger.receivedMessage(messageId: movement.transfer.messageId, on: db)
                    .flatMap { try? HardenedXML.parse($0.answer, maxBytes: 1 << 16) }
                records += CMBReceipts.records(movement, order: order, profile: profile)
            }
            return records
        }
        guard let records else { return cmbNoAccount(request) }
        return cmbAnswer(CMBBankCodec.answer(function: request.function, loginName: request.loginName, returnCode: "0",
                                             records: records),
                         effect: .handled(subject: request.function))
    }

    /// `SDKCSFDFBRTIMG`: the query checked as for `SDKCSFDFBRT`, then the front-end's success message.
    /// The real front-end saves the images on its disk; the simulator has none to save.
    private func cmbReceiptImages(_ request: CMBBankCodec.Request) async throws -> BankAnswer {
        guard let query = request.records("CSRRCFDFY0").first else { throw BankCodecError("missing CSRRCFDFY0") }
        _ = try Self.cmbDateRange(query, record: "CSRRCFDFY0", maxDays: 30, begin: "BEGDAT")
        return cmbAnswer(CMBBankCodec.answer(function: request.function, loginName: request.loginName, returnCode: "0",
                                             errorMessage: "回单图片查询成功!"),
                         effect: .handled(subject: request.function))
    }

    /// `BGNDAT` (or `begin`) and `ENDDAT` of a query record as day numbers, checked: real dates, in
    /// order, at most `maxDays` apart.
    private static func cmbDateRange(_ record: XMLNode, record name: String, maxDays: Int64,
                                     begin: String = "BGNDAT") throws(BankCodecError) -> (Int64, Int64) {
        guard let first = CMBBankCodec.text(record.child(begin)).flatMap(CMBBankCodec.dayNumber),
              let last = CMBBankCodec.text(record.child("ENDDAT")).flatMap(CMBBankCodec.dayNumber) else {
            throw BankCodecError("\(name): \(begin) and ENDDAT must be YYYYMMDD dates")
        }
        guard first <= last, last - first <= maxDays else {
            throw BankCodecError("\(name): ENDDAT must be from \(begin) to \(begin) + \(maxDays) days")
        }
        return (first, last)
    }
}
