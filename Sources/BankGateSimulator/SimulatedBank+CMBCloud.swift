import BankGateAdapters
import BankGateCore
import BankGateStore
import Logging

/// The cmb-cloud profile's requests: one entry point for everything posted to the API's URL.
///
/// A request that cannot be opened (not a form, wrong `UID`, not decryptable, a signature that does
/// not verify) is refused in plain text (`{"ErrMsg":…}`, HTTP 200) and never executed. Every other
/// answer is signed and encrypted; problems are in `resultcode`: `SIMBUSY` (the injected failure,
/// nothing done), `SIMMAINT` (maintenance), `SIMFMT` (a body the bank cannot read), `SIMFUNC` (an
/// unknown function), `SIMACCT` (an account the user may not see). These codes are the simulator's
/// own: CMB's are not public, and the adapter treats any code but `SUC0000` as proving nothing.
extension SimulatedBank {
    /// Receives one request posted to the simulated cloud API.
    func receiveCMBCloud(_ bytes: [UInt8], profile: CMBCloudProfile) async -> BankAnswer {
        let keys: CMBCloudKeyMaterial
        switch profile.keys {
        case .success(let loaded): keys = loaded
        case .failure(let problem): return .text(500, "cmb-cloud keys: \(problem.message)", effect: .refusedForNow)
        }
        let request: CMBCloudBankCodec.Request
        do {
            request = try CMBCloudBankCodec.open(bytes, userID: profile.userID, keys: keys)
        } catch {
            return await delayed(BankAnswer(httpStatus: 200, body: CMBCloudBankCodec.refusal(error.message),
                                            contentType: CMBCloudBankCodec.contentType, effect: .unreadable(reason: error.message)))
        }
        let now = clock.now()
        func answer(_ code: String, _ message: String = "", body: JSONValue = .object([]), effect: BankAnswer.Effect) -> BankAnswer {
            do {
                let bytes = try CMBCloudBankCodec.answer(function: request.function, requestId: request.requestId, resultCode: code,
                                                         resultMessage: message, body: body, responseId: "SIM" + request.requestId,
                                                         at: now, userID: profile.userID, keys: keys)
                return BankAnswer(httpStatus: 200, body: bytes, contentType: CMBCloudBankCodec.contentType, effect: effect)
            } catch {
                logger.error("bank simulator cannot sign its answer", metadata: ["error": "\(error)"])
                return .text(500, "cannot sign the answer", effect: .refusedForNow)
            }
        }
        if isInMaintenance { return await delayed(answer("SIMMAINT", "系统维护中", effect: .refusedForNow)) }
        let result: BankAnswer
        do {
            switch request.function {
            case "BB1PAYOP":
                result = try await cmbCloudPayment(request, profile: profile, answer: answer)
            case "BB1PAYQR":
                result = answer(CMBCloudCodes.success, body: try await cmbCloudStatus(request), effect: .handled(subject: request.function))
            case "NTQACINF":
                result = try await cmbCloudBalances(request, profile: profile).map {
                    answer(CMBCloudCodes.success, body: $0, effect: .handled(subject: request.function))
                } ?? answer("SIMACCT", "账户不存在或无查询权限", effect: .handled(subject: request.function))
            case "DCTRSINF":
                result = try await cmbCloudTransactions(request, profile: profile).map {
                    answer(CMBCloudCodes.success, body: $0, effect: .handled(subject: request.function))
                } ?? answer("SIMACCT", "账户不存在或无查询权限", effect: .handled(subject: request.function))
            case "DCSIGREC":
                result = try await cmbCloudReceipt(request, profile: profile).map {
                    answer(CMBCloudCodes.success, body: $0, effect: .handled(subject: request.function))
                } ?? answer("SIMNREC", "回单不存在", effect: .handled(subject: request.function))
            default:
                result = answer("SIMFUNC", "功能不支持: \(request.function)", effect: .unreadable(reason: "unknown funcode"))
            }
        } catch let error as BankCodecError {
            result = answer("SIMFMT", "报文格式错误: \(error.message)", effect: .unreadable(reason: error.message))
        } catch {
            logger.error("bank simulator ledger failed", metadata: ["error": "\(error)"])
            result = answer("SIMBUSY", "系统繁忙", effect: .refusedForNow)
        }
        return await delayed(result)
    }

    // MARK: - BB1PAYOP

    private func cmbCloudPayment(_ request: CMBCloudBankCodec.Request, profile: CMBCloudProfile,
                                 answer: (String, String, JSONValue, BankAnswer.Effect) -> BankAnswer) async throws -> BankAnswer {
        let transfer = try CMBCloudExecution.readPayment(request.body)
        let decision = faults.nextDecision()
        if decision == .fail { return answer("SIMBUSY", "系统繁忙", .object([]), .refusedForNow) }
        let now = clock.now()
        let accountsListed = self.accountsListed
        let record = try await database.write { db in
            var execution = PaymentExecution(db: db, accountsListed: accountsListed, executedAt: now)
            let record = try CMBCloudExecution.run(transfer, profile: profile, on: &execution)
            _ = try execution.commit()
            return record
        }
        logger.info("BB1PAYOP executed", metadata: ["fault": "\(decision)"])
        var result = answer(CMBCloudCodes.success, "", .object([JSONMember(key: "bb1payopz1", value: .array([record]))]),
                            .handled(subject: transfer.reference))
        result.apply(decision)
        return result
    }

    // MARK: - BB1PAYQR

    /// `bb1payqrz1`: the stored record of each `yurRef` asked about; none for a `yurRef` never received.
    private func cmbCloudStatus(_ request: CMBCloudBankCodec.Request) async throws -> JSONValue {
        guard let queries = request.body["bb1payqrx1"]?.arrayValue, !queries.isEmpty else {
            throw BankCodecError("missing bb1payqrx1")
        }
        var references: [String] = []
        for query in queries {
            guard let reference = CMBCloudBankCodec.text(query, "yurRef") else { throw BankCodecError("bb1payqrx1: missing yurRef") }
            references.append(reference)
        }
        let wanted = references
        let found = try await database.read { db -> [JSONValue] in
            try wanted.compactMap { reference -> JSONValue? in
                guard let stored = try SimulatorLedger.receivedMessage(messageId: reference, on: db) else { return nil }
                return try? JSONValue.parse(stored.answer)
            }
        }
        return .object([JSONMember(key: "bb1payqrz1", value: .array(found))])
    }

    // MARK: - Accounts

    /// The account a query names (`accnbr`, `bbknbr`), or `nil` when the ledger does not have it or the
    /// branch is not the account's.
    private func cmbCloudAccount(_ query: JSONValue, profile: CMBCloudProfile) async throws -> SimulatedAccount? {
        guard let branch = CMBCloudBankCodec.text(query, "bbknbr"), let number = CMBCloudBankCodec.text(query, "accnbr") else {
            throw BankCodecError("accnbr and bbknbr are required")
        }
        guard profile.frontEnd.branchMatches(branch, number: number) else { return nil }
        return try await database.read { db in try SimulatorLedger.account(number, on: db) }
    }

    /// `NTQACINF`: `ntqacinfz` with the ledger's balance (`onlblv`), the previous China day's closing
    /// (`accblv`: today's bookings taken back) and the status (`stscod` A open, B blocked, C closed).
    private func cmbCloudBalances(_ request: CMBCloudBankCodec.Request, profile: CMBCloudProfile) async throws -> JSONValue? {
        guard let query = request.body["ntqacinfx"]?.arrayValue?.first else { throw BankCodecError("missing ntqacinfx") }
        guard let account = try await cmbCloudAccount(query, profile: profile) else { return nil }
        let today = CMBBankCodec.chinaDate(clock.now())
        let movements = try await database.read { db in try SimulatorLedger.movements(of: account, on: db) }
        let todays = movements.filter { CMBBankCodec.chinaDate($0.transfer.executedAt) == today }
        let previous = todays.first.map {
            $0.balanceAfter.minorUnits + ($0.isDebit ? $0.transfer.amount.minorUnits : -$0.transfer.amount.minorUnits)
        } ?? account.balance.minorUnits
        func amount(_ minorUnits: Int64) -> JSONValue { .string(Money(minorUnits: minorUnits, currency: account.currency).decimalString) }
        let record = CMBCloudExecution.object([
            ("accblv", amount(previous)), ("accnam", .string(profile.frontEnd.knownAccount(account.number)?.name ?? "")),
            ("accnbr", .string(account.number)), ("avlblv", amount(account.status == .open ? account.balance.minorUnits : 0)),
            ("bbknbr", .string(CMBCloudBankCodec.text(query, "bbknbr") ?? "")),
            ("ccynbr", .string(CMBBankCodec.currencyNumbers[account.currency.code] ?? "10")),
            ("hldblv", amount(account.status == .blocked ? account.balance.minorUnits : 0)), ("lmtovr", amount(0)),
            ("onlblv", amount(account.balance.minorUnits)),
            ("stscod", .string(account.status == .open ? "A" : account.status == .blocked ? "B" : "C")),
        ])
        return .object([JSONMember(key: "ntqacinfz", value: .array([record]))])
    }

    /// `DCTRSINF`: one `ntqactrsz2` per booking on the account whose China date is `trsdat`, oldest
    /// first, with the balance after it; one page (`ntrbptrsz1.cotflg` N).
    private func cmbCloudTransactions(_ request: CMBCloudBankCodec.Request, profile: CMBCloudProfile) async throws -> JSONValue? {
        guard let day = CMBCloudBankCodec.text(request.body, "trsdat"), CMBBankCodec.dayNumber(day) != nil else {
            throw BankCodecError("trsdat must be a YYYYMMDD date")
        }
        guard let account = try await cmbCloudAccount(request.body, profile: profile) else { return nil }
        let records = try await database.read { db -> [JSONValue] in
            var records: [JSONValue] = []
            for movement in try SimulatorLedger.movements(of: account, on: db)
            where CMBBankCodec.chinaDate(movement.transfer.executedAt) == day {
                let order = try SimulatorLedger.receivedMessage(messageId: movement.transfer.messageId, on: db)
                    .flatMap { try? JSONValue.parse($0.answer) }
                records.append(CMBCloudExecution.transactionRecord(movement, order: order, profile: profile))
            }
            return records
        }
        let summary = CMBCloudExecution.object([("cotflg", .string("N")), ("trsseq", .string(""))])
        return .object([JSONMember(key: "ntqactrsz2", value: .array(records)),
                        JSONMember(key: "ntrbptrsz1", value: .array([summary]))])
    }

    // MARK: - DCSIGREC

    /// `DCSIGREC`: the receipt of the booking on `eacnbr` whose serial (`refnbr` of `DCTRSINF`) is
    /// `trsseq` and whose China date is `quedat`: `istnbr` (`SD`/`SC` and the row id), `checod`, and
    /// `fildat`, the Base64 of the simulator's receipt document (``SimulatedReceiptDocument``: the
    /// `DCTRSINF` record as text, whatever `primod` asks for); `nil` when there is no such booking.
    private func cmbCloudReceipt(_ request: CMBCloudBankCodec.Request, profile: CMBCloudProfile) async throws -> JSONValue? {
        guard let number = CMBCloudBankCodec.text(request.body, "eacnbr"), let serial = CMBCloudBankCodec.text(request.body, "trsseq"),
              let day = CMBCloudBankCodec.text(request.body, "quedat"), CMBBankCodec.dayNumber(day) != nil else {
            throw BankCodecError("eacnbr, trsseq and quedat (YYYYMMDD) are required")
        }
        guard CMBCloudBankCodec.text(request.body, "primod") != nil else { throw BankCodecError("primod is required") }
        return try await database.read { db -> JSONValue? in
            guard let account = try SimulatorLedger.account(number, on: db) else { return nil }
            for movement in try SimulatorLedger.movements(of: account, on: db)
            where CMBBankCodec.chinaDate(movement.transfer.executedAt) == day {
                let order = try SimulatorLedger.receivedMessage(messageId: movement.transfer.messageId, on: db)
                    .flatMap { try? JSONValue.parse($0.answer) }
                let record = CMBCloudExecution.transactionRecord(movement, order: order, profile: profile)
                guard CMBCloudBankCodec.text(record, "refnbr") == serial else { continue }
                let receiptNumber = CMBReceipts.receiptNumber(movement)
                var fields: [(String, String)] = [("accnbr", number)]
                for member in record.objectMembers ?? [] { fields.append((member.key, member.value.stringValue ?? "")) }
                let document = SimulatedReceiptDocument.text(bank: "CMB (cloud)", receiptNumber: receiptNumber, fields: fields)
                return CMBCloudExecution.object([
                    ("checod", .string(SimulatedReceiptDocument.checkCode(receiptNumber, serial))),
                    ("fildat", .string(CMBCloudBankCodec.base64Encode(document))), ("istnbr", .string(receiptNumber)),
                ])
            }
            return nil
        }
    }
}
