import BankGateCore
import BankGateStore
import BankGateXML
import Logging

/// The BOC profile's requests: everything posted to `/B2EP/XmlServlet`.
///
/// Every answer is HTTP 200 with a UTF-8 `bocb2e` document; problems are on the envelope
/// (`trn-<code>-rs/status/rspcod`): `B010` unreadable or incomplete (`trn-b2eerror-rs` when the
/// transaction cannot be told), `B098` sign-in refused, `B107` not signed in, `B999` busy (the
/// injected failure) or maintenance, `B011` an account the customer does not hold.
extension SimulatedBank {
    /// Receives one request posted to the simulated B2E server; `sessions` are the server's sign-ins.
    func receiveBOC(_ bytes: [UInt8], profile: BOCProfile, sessions: BOCSessions) async -> BankAnswer {
        let serverTime = CMBBankCodec.chinaDateTime(clock.now())
        let request: BOCBankCodec.Request
        do {
            request = try BOCBankCodec.readRequest(bytes)
        } catch {
            return await delayed(bocAnswer(BOCBankCodec.answer(nil, code: "b2eerror", status: .format(error.message),
                                                               serverTime: serverTime),
                                           effect: .unreadable(reason: error.message)))
        }
        func refused(_ refusal: BOCBankCodec.Refusal, effect: BankAnswer.Effect) -> BankAnswer {
            bocAnswer(BOCBankCodec.answer(request, code: request.code, status: refusal, serverTime: serverTime), effect: effect)
        }
        if isInMaintenance {
            return await delayed(refused(.maintenance, effect: .refusedForNow))
        }
        let now = clock.now().milliseconds
        if request.code == "b2e0001" {
            return await delayed(bocSignIn(request, profile: profile, sessions: sessions, serverTime: serverTime))
        }
        guard let session = sessions.session(request.token, now: now), request.terminalId == profile.terminalId,
              session.customerId == request.customerId, session.operatorId == request.operatorId else {
            return await delayed(refused(.signInRequired, effect: .refusedForNow))
        }
        let answer: BankAnswer
        do {
            switch request.code {
            case "b2e0002":
                sessions.signOut(request.token ?? "")
                answer = bocAnswer(request, status: BOCBankCodec.ok, serverTime: serverTime, effect: .handled(subject: "b2e0002"))
            case "b2e0009": answer = await bocTransfers(request, profile: profile, serverTime: serverTime)
            case "b2e0078":
                answer = await bocPayroll(request, profile: profile, serverTime: serverTime) { status, effect, content in
                    bocAnswer(request, status: status, serverTime: serverTime, effect: effect, content: content ?? { _ in })
                }
            case "b2e0007": answer = try await bocStatus(request, serverTime: serverTime)
            case "b2e0005": answer = try await bocBalances(request, profile: profile, serverTime: serverTime)
            case "b2e0035": answer = try await bocTransactions(request, profile: profile, serverTime: serverTime)
            default:
                answer = refused(.format("不支持的交易 \(request.code)"), effect: .unreadable(reason: "unknown trncod"))
            }
        } catch let refusal as BOCBankCodec.Refusal {
            answer = refused(refusal, effect: .unreadable(reason: refusal.message))
        } catch {
            logger.error("bank simulator ledger read failed", metadata: ["error": "\(error)"])
            answer = refused(.busy, effect: .refusedForNow)
        }
        return await delayed(answer)
    }

    private func bocAnswer(_ body: [UInt8], effect: BankAnswer.Effect) -> BankAnswer {
        BankAnswer(httpStatus: 200, body: body, contentType: BOCBankCodec.contentType, effect: effect)
    }

    private func bocAnswer(_ request: BOCBankCodec.Request, status: BOCBankCodec.Refusal, serverTime: String,
                           effect: BankAnswer.Effect, content: (inout XMLWriter) -> Void = { _ in }) -> BankAnswer {
        bocAnswer(BOCBankCodec.answer(request, code: request.code, status: status, serverTime: serverTime,
                                      token: request.token, content: content),
                  effect: effect)
    }

    // MARK: - b2e0001

    /// `b2e0001`: `termid`, `custid`, `cusopr` and `oprpwd` checked; a new token valid for the profile's lifetime.
    private func bocSignIn(_ request: BOCBankCodec.Request, profile: BOCProfile, sessions: BOCSessions,
                           serverTime: String) -> BankAnswer {
        let record = request.records.first
        guard BOCBankCodec.text(record?.child("custdt")) != nil else {
            return bocAnswer(BOCBankCodec.answer(request, code: request.code, status: .format("b2e0001-rq 缺少 custdt"),
                                                 serverTime: serverTime),
                             effect: .unreadable(reason: "missing custdt"))
        }
        guard request.terminalId == profile.terminalId, request.customerId == profile.customerId,
              request.operatorId == profile.operatorId, BOCBankCodec.text(record?.child("oprpwd")) == profile.password else {
            return bocAnswer(BOCBankCodec.answer(request, code: request.code, status: .signInRefused, serverTime: serverTime),
                             effect: .refusedForNow)
        }
        let now = clock.now().milliseconds
        let token = sessions.signIn(BOCSessions.Session(customerId: profile.customerId, operatorId: profile.operatorId,
                                                        expiresAt: now + profile.tokenLifetimeMilliseconds), now: now)
        return bocAnswer(BOCBankCodec.answer(request, code: request.code, status: BOCBankCodec.ok, serverTime: serverTime,
                                             token: token),
                         effect: .handled(subject: "b2e0001"))
    }

    // MARK: - b2e0009

    private func bocTransfers(_ request: BOCBankCodec.Request, profile: BOCProfile, serverTime: String) async -> BankAnswer {
        let transfers: [BOCTransferRequest]
        do {
            transfers = try BOCTransferRequest.read(request)
        } catch {
            return bocAnswer(request, status: error, serverTime: serverTime, effect: .unreadable(reason: error.message))
        }
        let decision = faults.nextDecision()
        if decision == .fail {
            return bocAnswer(request, status: .busy, serverTime: serverTime, effect: .refusedForNow)
        }
        let now = clock.now()
        let accountsListed = self.accountsListed
        let outcomes: [BOCExecution.Outcome]
        do {
            outcomes = try await database.write { db in
                var execution = PaymentExecution(db: db, accountsListed: accountsListed, executedAt: now)
                var outcomes: [BOCExecution.Outcome] = []
                for transfer in transfers { outcomes.append(try BOCExecution.run(transfer, profile: profile, on: &execution)) }
                try execution.commit()
                return outcomes
            }
        } catch {
            logger.error("bank simulator ledger write failed", metadata: ["error": "\(error)"])
            return bocAnswer(request, status: .busy, serverTime: serverTime, effect: .refusedForNow)
        }
        logger.info("b2e0009 handled", metadata: ["transfers": "\(transfers.count)", "fault": "\(decision)"])
        var answer = bocAnswer(request, status: BOCBankCodec.ok, serverTime: serverTime,
                               effect: .handled(subject: transfers[0].instructionId)) { xml in
            for outcome in outcomes {
                xml.open("b2e0009-rs")
                BOCBankCodec.writeStatus(outcome.status.code, outcome.status.message, to: &xml)
                xml.element("insid", outcome.instructionId)
                xml.element("obssid", outcome.serial)
                xml.close("b2e0009-rs")
            }
        }
        answer.apply(decision)
        return answer
    }

    // MARK: - b2e0007

    /// `b2e0007`: per `b2e0007-rq/insid` (1–99), the stored result (`B001` paid, `SIM…` refused) with
    /// its `obssid`, or `B121 无此指令` for an `insid` the bank never received.
    private func bocStatus(_ request: BOCBankCodec.Request, serverTime: String) async throws -> BankAnswer {
        guard (1...99).contains(request.records.count) else { throw BOCBankCodec.Refusal.format("b2e0007-rq 须为1至99笔") }
        var references: [String] = []
        for record in request.records {
            guard let insid = BOCBankCodec.text(record.child("insid")) else { throw BOCBankCodec.Refusal.format("b2e0007-rq 缺少 insid") }
            references.append(insid)
        }
        let wanted = references
        let found = try await database.read { db -> [XMLNode?] in
            try wanted.map { reference -> XMLNode? in
                guard let stored = try SimulatorLedger.storedAnswer(messageId: reference, on: db),
                      let record = try? HardenedXML.parse(stored, maxBytes: 1 << 16),
                      record.name == BOCExecution.recordName else { return nil }
                return record
            }
        }
        return bocAnswer(request, status: BOCBankCodec.ok, serverTime: serverTime, effect: .handled(subject: wanted[0])) { xml in
            for (reference, record) in zip(wanted, found) {
                func field(_ name: String) -> String { BOCBankCodec.text(record?.child(name)) ?? "" }
                xml.open("b2e0007-rs")
                if record != nil {
                    BOCBankCodec.writeStatus(field("rspcod"), field("rspmsg"), to: &xml)
                } else {
                    BOCBankCodec.writeStatus(BOCExecution.notFound.code, BOCExecution.notFound.message, to: &xml)
                }
                xml.element("insid", reference)
                xml.element("obssid", field("obssid"))
                xml.close("b2e0007-rs")
            }
        }
    }

    // MARK: - b2e0005, b2e0035

    /// `B011`: an account the ledger does not hold, or a profile account named with another branch.
    static let bocNoAccount = BOCBankCodec.Refusal(code: "B011", message: "账户不存在或无权限")

    private func bocAccount(branch: String?, number: String?, profile: BOCProfile) async throws -> SimulatedAccount? {
        guard let branch, let number else { return nil }
        guard profile.branchMatches(branch, number: number) else { return nil }
        return try await database.read { db in try SimulatorLedger.account(number, on: db) }
    }

    /// `b2e0005`: per `b2e0005-rq/account` (`ibknum`, `actacn`), a `b2e0005-rs` with `account`
    /// (`ibknum`, `actacn`, `curcde`, `actname`), `balance` (`bokbal` the ledger's, `avabal` the same
    /// when open else 0.00, `stpamt` the balance when blocked, `ovramt` 0.00) and `baldat` (today in China);
    /// `B011` in the record's status for an account the customer does not hold.
    private func bocBalances(_ request: BOCBankCodec.Request, profile: BOCProfile, serverTime: String) async throws -> BankAnswer {
        guard (1...99).contains(request.records.count) else { throw BOCBankCodec.Refusal.format("b2e0005-rq 须为1至99笔") }
        var rows: [(branch: String, number: String, account: SimulatedAccount?)] = []
        for record in request.records {
            guard let branch = BOCBankCodec.text(record.descendant("account", "ibknum")),
                  let number = BOCBankCodec.text(record.descendant("account", "actacn")) else {
                throw BOCBankCodec.Refusal.format("b2e0005-rq 缺少 account/ibknum 或 actacn")
            }
            rows.append((branch, number, try await bocAccount(branch: branch, number: number, profile: profile)))
        }
        let today = String(serverTime.prefix(8))
        let answered = rows
        return bocAnswer(request, status: BOCBankCodec.ok, serverTime: serverTime, effect: .handled(subject: "b2e0005")) { xml in
            for row in answered {
                xml.open("b2e0005-rs")
                guard let account = row.account else {
                    BOCBankCodec.writeStatus(Self.bocNoAccount.code, Self.bocNoAccount.message, to: &xml)
                    xml.open("account")
                    xml.element("ibknum", row.branch)
                    xml.element("actacn", row.number)
                    xml.close("account")
                    xml.close("b2e0005-rs")
                    continue
                }
                let zero = Money(minorUnits: 0, currency: account.currency).decimalString
                BOCBankCodec.writeStatus(BOCBankCodec.ok.code, BOCBankCodec.ok.message, to: &xml)
                xml.open("account")
                xml.element("ibknum", row.branch)
                xml.element("actacn", account.number)
                xml.element("curcde", account.currency.code)
                xml.element("actname", profile.knownAccount(account.number)?.name ?? "")
                xml.close("account")
                xml.open("balance")
                xml.element("bokbal", account.balance.decimalString)
                xml.element("avabal", account.status == .open ? account.balance.decimalString : zero)
                xml.element("stpamt", account.status == .blocked ? account.balance.decimalString : zero)
                xml.element("ovramt", zero)
                xml.close("balance")
                xml.element("baldat", today)
                xml.close("b2e0005-rs")
            }
        }
    }

    /// `b2e0035`: the account's bookings whose date in China is from `datescope/from` to `to`, oldest
    /// first, numbered from 1: records `begnum` … `begnum + recnum - 1` (`recnum` 1–1000), with
    /// `totalnum` (all in the range) and `notenum` (this page).
    private func bocTransactions(_ request: BOCBankCodec.Request, profile: BOCProfile, serverTime: String) async throws -> BankAnswer {
        guard request.records.count == 1, let query = request.records.first else {
            throw BOCBankCodec.Refusal.format("b2e0035 须有一笔 b2e0035-rq")
        }
        func required(_ path: String...) throws -> String {
            guard let value = BOCBankCodec.text(query.descendant(path: path)) else {
                throw BOCBankCodec.Refusal.format("b2e0035-rq 缺少 \(path.joined(separator: "/"))")
            }
            return value
        }
        guard let first = CMBBankCodec.dayNumber(try required("datescope", "from")),
              let last = CMBBankCodec.dayNumber(try required("datescope", "to")), first <= last else {
            throw BOCBankCodec.Refusal.format("datescope 须为 YYYYMMDD 且 from ≤ to")
        }
        guard let begin = Int(try required("begnum")), begin >= 1 else { throw BOCBankCodec.Refusal.format("begnum 须从1开始") }
        guard let count = Int(try required("recnum")), (1...1000).contains(count) else {
            throw BOCBankCodec.Refusal.format("recnum 须为1至1000")
        }
        let branch = try required("ibknum")
        guard let account = try await bocAccount(branch: branch, number: try required("actacn"), profile: profile) else {
            throw Self.bocNoAccount
        }
        let rows = try await database.read { db -> [(LedgerMovement, XMLNode?)] in
            var rows: [(LedgerMovement, XMLNode?)] = []
            for movement in try SimulatorLedger.movements(of: account, on: db) {
                guard let day = CMBBankCodec.dayNumber(CMBBankCodec.chinaDate(movement.transfer.executedAt)),
                      (first...last).contains(day) else { continue }
                let order = try SimulatorLedger.receivedMessage(messageId: movement.transfer.messageId, on: db)
                    .flatMap { try? HardenedXML.parse($0.answer, maxBytes: 1 << 16) }
                rows.append((movement, order?.name == BOCExecution.recordName ? order : nil))
            }
            return rows
        }
        let page = Array(rows.dropFirst(begin - 1).prefix(count))
        return bocAnswer(request, status: BOCBankCodec.ok, serverTime: serverTime, effect: .handled(subject: "b2e0035")) { xml in
            xml.element("totalnum", String(rows.count))
            xml.element("notenum", String(page.count))
            for (movement, order) in page {
                Self.bocTransaction(movement, order: order, account: account, branch: branch, profile: profile, to: &xml)
            }
        }
    }

    /// One `b2e0035-rs`: `fractn` the payer, `toactn` the payee (our side with our branch and name),
    /// `transid` (`SIM` + the ledger row id), `insid` (debits only), `txndate`/`txntime`/`valdat`
    /// (China), `txnamt`, `acctbal` (balance after), `furinfo`, `trncur`.
    private static func bocTransaction(_ movement: LedgerMovement, order: XMLNode?, account: SimulatedAccount, branch: String,
                                       profile: BOCProfile, to xml: inout XMLWriter) {
        let transfer = movement.transfer
        func ordered(_ name: String) -> String { BOCBankCodec.text(order?.child(name)) ?? "" }
        let when = CMBBankCodec.chinaDateTime(transfer.executedAt)
        let ours = profile.knownAccount(account.number)?.name ?? ""
        let debtor = profile.knownAccount(transfer.debtorAccount)
        xml.open("b2e0035-rs")
        BOCBankCodec.writeStatus(BOCBankCodec.ok.code, BOCBankCodec.ok.message, to: &xml)
        xml.open("fractn")
        xml.element("ibknum", movement.isDebit ? branch : (debtor?.branchCode ?? ordered("fribkn")))
        xml.element("actacn", transfer.debtorAccount)
        xml.element("acntname", movement.isDebit ? ours : (debtor?.name ?? ordered("actnam")))
        xml.close("fractn")
        xml.open("toactn")
        xml.element("toibkn", movement.isDebit ? ordered("toibkn") : branch)
        xml.element("actacn", transfer.creditorAccount)
        xml.element("toname", movement.isDebit ? ordered("toname") : ours)
        xml.element("tobank", movement.isDebit ? ordered("tobknm") : "中国银行")
        xml.close("toactn")
        xml.element("transid", "SIM" + CCBBankCodec.padded(movement.id, to: 12))
        if movement.isDebit { xml.element("insid", transfer.instructionId ?? transfer.endToEndId) }
        xml.element("txndate", String(when.prefix(8)))
        xml.element("txntime", String(when.suffix(6)))
        xml.element("txnamt", transfer.amount.decimalString)
        xml.element("acctbal", movement.balanceAfter.decimalString)
        xml.element("furinfo", ordered("furinfo"))
        xml.element("trncur", transfer.amount.currency.code)
        xml.element("valdat", String(when.prefix(8)))
        xml.close("b2e0035-rs")
    }
}
