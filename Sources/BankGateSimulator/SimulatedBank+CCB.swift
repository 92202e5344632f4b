import BankGateCore
import BankGateStore
import BankGateXML
import Logging

/// The CCB profile's requests: one entry point for everything posted to the client's URL.
///
/// Every answer is HTTP 200 with a GB18030 `TX` document: problems are in `RETURN_CODE` (`0130Z1101003`
/// unreadable, `0130Z0100004` wrong `CUST_ID`/`USER_ID`/`PASSWORD`, `0130Z0100002` maintenance,
/// `0130Z0100001` busy: the injected failure, `0130Z1101001`/`2` incomplete or out-of-range fields).
extension SimulatedBank {
    /// Receives one request posted to the simulated CCB client.
    func receiveCCB(_ body: [UInt8], profile: CCBProfile) async -> BankAnswer {
        let request: CCBBankCodec.Request
        do {
            request = try CCBBankCodec.readRequest(body)
        } catch {
            let refusal = CCBBankCodec.Refusal.unreadable(error.message)
            return await delayed(ccbAnswer(CCBBankCodec.answer(requestNumber: nil, customerId: nil, code: nil,
                                                               returnCode: refusal.code, message: refusal.message),
                                           effect: .unreadable(reason: error.message)))
        }
        func refused(_ refusal: CCBBankCodec.Refusal, effect: BankAnswer.Effect) -> BankAnswer {
            ccbAnswer(CCBBankCodec.answer(requestNumber: request.requestNumber, customerId: request.customerId,
                                          code: request.code, returnCode: refusal.code, message: refusal.message),
                      effect: effect)
        }
        guard profile.accepts(customerId: request.customerId, userId: request.userId, password: request.password) else {
            return await delayed(refused(CCBBankCodec.Refusal(code: "0130Z0100004", message: "账户密码不正确"),
                                         effect: .refusedForNow))
        }
        if isInMaintenance {
            return await delayed(refused(CCBBankCodec.Refusal(code: "0130Z0100002", message: "成员行暂时无法处理，请稍后再试"),
                                         effect: .refusedForNow))
        }
        let answer: BankAnswer
        do {
            switch request.code {
            case CCBExecution.sameBankCode, CCBExecution.otherBankCode, CCBExecution.payrollCode:
                answer = await ccbTransfer(request, profile: profile)
            case "6W0600": answer = try await ccbStatus(request, of: [CCBExecution.sameBankCode, CCBExecution.otherBankCode])
            case "6W1503": answer = try await ccbStatus(request, of: [CCBExecution.payrollCode])
            case "6W0100": answer = try await ccbBalance(request, profile: profile)
            case "6WY101": answer = try await ccbTransactions(request, profile: profile)
            default:
                answer = refused(.outOfRange("TX_CODE \(request.code) 不支持"), effect: .unreadable(reason: "unknown TX_CODE"))
            }
        } catch let refusal as CCBBankCodec.Refusal {
            answer = refused(refusal, effect: .unreadable(reason: refusal.message))
        } catch {
            logger.error("bank simulator ledger read failed", metadata: ["error": "\(error)"])
            answer = refused(CCBBankCodec.Refusal(code: "0130Z0100002", message: "成员行暂时无法处理或通讯错误"),
                             effect: .refusedForNow)
        }
        return await delayed(answer)
    }

    private func ccbAnswer(_ body: [UInt8], effect: BankAnswer.Effect) -> BankAnswer {
        BankAnswer(httpStatus: 200, body: body, contentType: CCBBankCodec.contentType, effect: effect)
    }

    private func ccbAnswer(_ request: CCBBankCodec.Request, returnCode: String = "000000", message: String = "",
                           effect: BankAnswer.Effect, info: (inout XMLWriter) -> Void = { _ in }) -> BankAnswer {
        ccbAnswer(CCBBankCodec.answer(requestNumber: request.requestNumber, customerId: request.customerId,
                                      code: request.code, returnCode: returnCode, message: message, info: info),
                  effect: effect)
    }

    // MARK: - 6W8010, 6W8060

    private func ccbTransfer(_ request: CCBBankCodec.Request, profile: CCBProfile) async -> BankAnswer {
        let transfer: CCBTransferRequest
        do {
            transfer = request.code == CCBExecution.payrollCode
                ? try CCBTransferRequest.readPayrollLine(request, profile: profile)
                : try CCBTransferRequest.read(request)
        } catch {
            return ccbAnswer(request, returnCode: error.code, message: error.message, effect: .unreadable(reason: error.message))
        }
        let decision = faults.nextDecision()
        if decision == .fail {
            return ccbAnswer(request, returnCode: "0130Z0100001", message: "系统忙，通讯超时。", effect: .refusedForNow)
        }
        let now = clock.now()
        let accountsListed = self.accountsListed
        let outcome: CCBExecution.Outcome
        do {
            outcome = try await database.write { db in
                var execution = PaymentExecution(db: db, accountsListed: accountsListed, executedAt: now)
                let outcome = try CCBExecution.run(transfer, profile: profile, on: &execution)
                try execution.commit()
                return outcome
            }
        } catch {
            logger.error("bank simulator ledger write failed", metadata: ["error": "\(error)"])
            return ccbAnswer(request, returnCode: "0130Z0100002", message: "成员行暂时无法处理或通讯错误", effect: .refusedForNow)
        }
        logger.info("\(request.code) handled", metadata: ["return_code": "\(outcome.returnCode)", "fault": "\(decision)"])
        var answer = ccbAnswer(request, returnCode: outcome.returnCode, message: outcome.message,
                               effect: .handled(subject: transfer.requestNumber)) { xml in
            if let voucher = outcome.voucher {
                CCBBankCodec.write(["CREDIT_NO": voucher, "REM1": "", "REM2": ""], to: &xml)
            }
        }
        answer.apply(decision)
        return answer
    }

    // MARK: - 6W0600, 6W1503

    /// `6W0600` (transfers) and `6W1503` (代发): the stored result of `REQUEST_SN1` (`REQUEST_SN1`,
    /// `CREDIT_NO`, `DEAL_RESULT` 4 paid / 5 refused transfer / 3 refused 代发, `MESSAGE`), or
    /// `0130Z110BB22` 查询不到交易 for a number the bank never received as one of `codes`.
    private func ccbStatus(_ request: CCBBankCodec.Request, of codes: Set<String>) async throws -> BankAnswer {
        guard let reference = request.info("REQUEST_SN1") else { throw CCBBankCodec.Refusal.incomplete("REQUEST_SN1") }
        guard reference.utf8.count <= 16, reference.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw CCBBankCodec.Refusal.outOfRange("REQUEST_SN1")
        }
        let stored = try await database.read { db in try SimulatorLedger.storedAnswer(messageId: reference, on: db) }
        guard let stored, let record = try? HardenedXML.parse(stored, maxBytes: 1 << 16), record.name == CCBExecution.recordName,
              codes.contains(CCBBankCodec.text(record.child("TX_CODE")) ?? "") else {
            return ccbAnswer(request, returnCode: "0130Z110BB22", message: "查询不到交易", effect: .handled(subject: reference))
        }
        func field(_ name: String) -> String { CCBBankCodec.text(record.child(name)) ?? "" }
        return ccbAnswer(request, effect: .handled(subject: reference)) { xml in
            CCBBankCodec.write(["REQUEST_SN1": reference, "CREDIT_NO": field("CREDIT_NO"),
                                "DEAL_RESULT": field("DEAL_RESULT"), "MESSAGE": field("MESSAGE")], to: &xml)
        }
    }

    // MARK: - 6W0100, 6WY101

    /// The account `number` names, or the refusal of an account the bank does not hold for the customer.
    private func ccbAccount(_ number: String?, field: String) async throws -> SimulatedAccount {
        guard let number else { throw CCBBankCodec.Refusal.incomplete(field) }
        guard let account = try await database.read({ db in try SimulatorLedger.account(number, on: db) }) else {
            throw CCBBankCodec.Refusal(code: "0130Z1101004", message: "账号尚未申请网上操作功能")
        }
        return account
    }

    private static func ccbStatusText(_ status: AccountStatus) -> String {
        switch status {
        case .open: "正常"
        case .blocked: "冻结"
        case .closed: "销户"
        }
    }

    /// `6W0100`: `ACC_NO`, `BALANCE` (the ledger's), `BALANCE1` (available: the balance when open, else
    /// 0.00), `ACC_STATUS`.
    private func ccbBalance(_ request: CCBBankCodec.Request, profile: CCBProfile) async throws -> BankAnswer {
        let account = try await ccbAccount(request.info("ACC_NO"), field: "ACC_NO")
        let zero = Money(minorUnits: 0, currency: account.currency)
        return ccbAnswer(request, effect: .handled(subject: request.requestNumber)) { xml in
            CCBBankCodec.write([
                "ACC_NO": account.number, "BALANCE": account.balance.decimalString,
                "BALANCE1": (account.status == .open ? account.balance : zero).decimalString,
                "INTEREST": zero.decimalString, "ACC_STATUS": Self.ccbStatusText(account.status), "REM1": "", "REM2": "",
            ], to: &xml)
        }
    }

    /// The `POSTSTR` (定位串) of the page starting at the 0-based `offset`.
    static func ccbPosition(_ offset: Int) -> String { "SIM+\(offset)+" }

    /// `6WY101`: the account's bookings whose date in China is from `STARTDATE` to `ENDDATE`, oldest
    /// first, `TOTAL_RECORD` (1–200) per page; `PAGE` from 1, and from page 2 on `POSTSTR` as the
    /// previous page returned it.
    private func ccbTransactions(_ request: CCBBankCodec.Request, profile: CCBProfile) async throws -> BankAnswer {
        guard let startText = request.info("STARTDATE") else { throw CCBBankCodec.Refusal.incomplete("STARTDATE") }
        guard let endText = request.info("ENDDATE") else { throw CCBBankCodec.Refusal.incomplete("ENDDATE") }
        guard let first = CMBBankCodec.dayNumber(startText), let last = CMBBankCodec.dayNumber(endText), first <= last else {
            throw CCBBankCodec.Refusal.outOfRange("STARTDATE/ENDDATE")
        }
        guard let page = request.info("PAGE").flatMap({ Int($0) }), page >= 1 else { throw CCBBankCodec.Refusal.outOfRange("PAGE") }
        guard let sizeText = request.info("TOTAL_RECORD") else { throw CCBBankCodec.Refusal.incomplete("TOTAL_RECORD") }
        guard let size = Int(sizeText), (1...200).contains(size) else { throw CCBBankCodec.Refusal.outOfRange("TOTAL_RECORD") }
        let offset = (page - 1) * size
        if page > 1, request.info("POSTSTR") != Self.ccbPosition(offset) {
            throw CCBBankCodec.Refusal.outOfRange("POSTSTR")
        }
        let account = try await ccbAccount(request.info("ACCNO1"), field: "ACCNO1")
        let rows = try await database.read { db -> [(LedgerMovement, XMLNode?)] in
            var rows: [(LedgerMovement, XMLNode?)] = []
            for movement in try SimulatorLedger.movements(of: account, on: db) {
                guard let day = CMBBankCodec.dayNumber(CMBBankCodec.chinaDate(movement.transfer.executedAt)),
                      (first...last).contains(day) else { continue }
                let order = try SimulatorLedger.receivedMessage(messageId: movement.transfer.messageId, on: db)
                    .flatMap { try? HardenedXML.parse($0.answer, maxBytes: 1 << 16) }
                rows.append((movement, order?.name == CCBExecution.recordName ? order : nil))
            }
            return rows
        }
        let totalPages = max(1, (rows.count + size - 1) / size)
        guard page <= totalPages else { throw CCBBankCodec.Refusal.outOfRange("PAGE") }
        let pageRows = rows.dropFirst(offset).prefix(size)
        let next = page < totalPages ? Self.ccbPosition(offset + size) : ""
        let holder = profile.knownAccount(account.number)?.name ?? ""
        return ccbAnswer(request, effect: .handled(subject: request.requestNumber)) { xml in
            CCBBankCodec.write(["ACCNO1": account.number, "CURR_COD": "01", "ACC_NAME": holder,
                                "ACC_STATE": Self.ccbStatusText(account.status), "TOTAL_PAGE": String(totalPages),
                                "PAGE": String(page), "POSTSTR": next], to: &xml)
            xml.open("DETAILLIST")
            for (movement, order) in pageRows {
                Self.ccbDetail(movement, order: order, profile: profile, to: &xml)
            }
            xml.close("DETAILLIST")
        }
    }

    /// One `DETAILINFO`: `TRANDATE` (`YYYYMMDD`, China), `TRANTIME`, `AMT`, `AMT1` (balance after),
    /// `FLAG1` (0 debit, 1 credit), the counterparty in `ACCNO2`/`ACC_NAME1`, `MESSAGE` (`USEOF`),
    /// `DET` (`REM1`+`REM2`), `TRAN_FLOW` (`SIM` + the ledger row id).
    private static func ccbDetail(_ movement: LedgerMovement, order: XMLNode?, profile: CCBProfile, to xml: inout XMLWriter) {
        let transfer = movement.transfer
        func ordered(_ name: String) -> String { CCBBankCodec.text(order?.child(name)) ?? "" }
        let when = CMBBankCodec.chinaDateTime(transfer.executedAt)
        let time = Array(when.dropFirst(8))
        let counterparty = movement.isDebit ? transfer.creditorAccount : transfer.debtorAccount
        let name = movement.isDebit ? ordered("RECV_ACC_NAME") : (profile.knownAccount(counterparty)?.name ?? "")
        xml.open("DETAILINFO")
        CCBBankCodec.write([
            "TRANDATE": String(when.prefix(8)), "TRANTIME": "\(String(time[0..<2])):\(String(time[2..<4])):\(String(time[4..<6]))",
            "CRE_TYP": "电子转账凭证", "MESSAGE": ordered("USEOF"), "AMT": transfer.amount.decimalString,
            "AMT1": movement.balanceAfter.decimalString, "FLAG1": movement.isDebit ? "0" : "1",
            "ACCNO2": counterparty, "ACC_NAME1": name, "TRAN_FLOW": "SIM" + CCBBankCodec.padded(movement.id, to: 12),
            "DET": ordered("REM"),
        ], to: &xml)
        xml.close("DETAILINFO")
    }
}
