import BankGateCore
import BankGateStore
import Logging

/// The ABC profile's requests: one entry point for every request read on the client's TCP port.
///
/// Every answer is a framed `ap` document; the client reports problems in `RespCode` (`SIMFMT`
/// unreadable, `2003` account or login not authorised, `9999` the bank cannot be reached:
/// maintenance and the injected failure, `SIMTXN` a code the simulator does not answer).
extension SimulatedBank {
    /// Answers bytes that are not a request (a broken header, too long): a format error.
    func refuseABC(_ error: BankCodecError) async -> BankAnswer {
        await delayed(abcAnswer(ABCBankCodec.answer(
            code: "", requestId: nil, responseCode: ABCCodesOfSimulator.formatError, info: "报文格式错误",
            extendedInfo: error.message, source: "2", at: clock.now()), effect: .unreadable(reason: error.message)))
    }

    /// Receives one request read on the simulated client's port.
    func receiveABC(_ bytes: [UInt8], profile: ABCProfile) async -> BankAnswer {
        let request: ABCBankCodec.Request
        do {
            request = try ABCBankCodec.readRequest(bytes)
        } catch {
            return await refuseABC(error)
        }
        let now = clock.now()
        guard profile.accepts(corporateNumber: request.corporateNumber, operatorNumber: request.operatorNumber) else {
            return await delayed(abcAnswer(ABCBankCodec.answer(
                code: request.code, requestId: request.requestId, responseCode: ABCCodesOfSimulator.accountRefused,
                info: "未对企业授权", extendedInfo: "企业客户号或操作员与前置机登录的不符,交易被拒绝", source: "3", at: now),
                effect: .handled(subject: request.requestId)))
        }
        if isInMaintenance {
            return await delayed(abcAnswer(ABCBankCodec.answer(
                code: request.code, requestId: request.requestId, responseCode: ABCCodesOfSimulator.communicationError,
                info: "前置通讯异常", extendedInfo: "系统维护中", source: "2", at: now), effect: .refusedForNow))
        }
        let answer: BankAnswer
        do {
            switch request.code {
            case _ where ABCBankCodec.paymentCodes.contains(request.code):
                answer = await abcPayment(request, profile: profile)
            case "CFRT03": answer = try await abcPayroll(request, profile: profile)
            case "CQRT04": answer = try await abcStatus(request)
            case "CQRA06": answer = try await abcBalance(request, profile: profile)
            case "CQRA10": answer = try await abcDetails(request, profile: profile)
            default:
                answer = abcAnswer(ABCBankCodec.answer(
                    code: request.code, requestId: request.requestId, responseCode: ABCCodesOfSimulator.unsupported,
                    info: "交易码不支持", extendedInfo: "the simulator does not answer \(request.code)", source: "2", at: now),
                    effect: .unreadable(reason: "unsupported CCTransCode"))
            }
        } catch let error as BankCodecError {
            answer = abcAnswer(ABCBankCodec.answer(
                code: request.code, requestId: request.requestId, responseCode: ABCCodesOfSimulator.formatError,
                info: "报文格式错误", extendedInfo: error.message, source: "2", at: now), effect: .unreadable(reason: error.message))
        } catch {
            logger.error("bank simulator ledger read failed", metadata: ["error": "\(error)"])
            answer = abcAnswer(ABCBankCodec.answer(
                code: request.code, requestId: request.requestId, responseCode: ABCCodesOfSimulator.communicationError,
                info: "前置通讯异常", source: "2", at: now), effect: .refusedForNow)
        }
        return await delayed(answer)
    }

    func abcAnswer(_ body: [UInt8], effect: BankAnswer.Effect) -> BankAnswer {
        BankAnswer(httpStatus: 200, body: body, contentType: "application/octet-stream", effect: effect)
    }

    // MARK: - CFRT01, CFRT02, CFRT21

    private func abcPayment(_ request: ABCBankCodec.Request, profile: ABCProfile) async -> BankAnswer {
        let transfer: ABCTransferRequest
        do {
            transfer = try ABCBankCodec.readTransfer(request)
        } catch {
            return abcAnswer(ABCBankCodec.answer(
                code: request.code, requestId: request.requestId, responseCode: ABCCodesOfSimulator.formatError,
                info: "报文格式错误", extendedInfo: error.message, source: "2", at: clock.now()),
                effect: .unreadable(reason: error.message))
        }
        let decision = faults.nextDecision()
        let now = clock.now()
        if decision == .fail {
            return abcAnswer(ABCBankCodec.answer(
                code: request.code, requestId: request.requestId, responseCode: ABCCodesOfSimulator.communicationError,
                info: "前置通讯异常", source: "2", at: now), effect: .refusedForNow)
        }
        let accountsListed = self.accountsListed
        let outcome: ABCExecution.Outcome
        do {
            outcome = try await database.write { db in
                var execution = PaymentExecution(db: db, accountsListed: accountsListed, executedAt: now)
                let outcome = try ABCExecution.run(transfer, profile: profile, on: &execution)
                try execution.commit()
                return outcome
            }
        } catch {
            logger.error("bank simulator ledger write failed", metadata: ["error": "\(error)"])
            return abcAnswer(ABCBankCodec.answer(
                code: request.code, requestId: request.requestId, responseCode: ABCCodesOfSimulator.communicationError,
                info: "前置通讯异常", source: "2", at: now), effect: .refusedForNow)
        }
        logger.info("\(request.code) handled", metadata: ["outcome": "\(outcome)", "fault": "\(decision)"])
        return abcPaymentAnswer(request, outcome: outcome, decision: decision, at: now)
    }

    /// The answer to an executed (or refused) transfer or payroll, as the drawn fault delivers it: the
    /// connection dropped after executing, or the answer garbled.
    func abcPaymentAnswer(_ request: ABCBankCodec.Request, outcome: ABCExecution.Outcome, decision: FaultDecision,
                          at now: Timestamp) -> BankAnswer {
        var answer = abcAnswer(abcPaymentAnswerBody(request, outcome: outcome, at: now), effect: .handled(subject: request.requestId))
        switch decision {
        case .dropAfterExecute: answer.delivery = .dropConnection
        case .malformed: answer.body = ABCBankCodec.malformed(answer.body)
        case .none, .fail: break
        }
        return answer
    }

    /// The answer to a payment or payroll request that was executed, refused, or a duplicate.
    func abcPaymentAnswerBody(_ request: ABCBankCodec.Request, outcome: ABCExecution.Outcome, at now: Timestamp) -> [UInt8] {
        let body: [UInt8]
        switch outcome {
        case .duplicate:
            body = ABCBankCodec.answer(code: request.code, requestId: request.requestId, responseCode: ABCCodesOfSimulator.duplicate,
                                       info: "请求方流水号重复", source: "2", at: now)
        case .executed(let sequenceNumber):
            body = ABCBankCodec.answer(
                code: request.code, requestId: request.requestId, responseCode: ABCCodesOfSimulator.success, info: "交易成功",
                sequenceNumber: sequenceNumber, at: now,
                sections: [ABCBankCodec.Section(name: nil, fields: [("FileFlag", "0")]),
                           ABCBankCodec.Section(name: "Cme", fields: [("RecordNum", "0"), ("FieldNum", "0")]),
                           ABCBankCodec.Section(name: "Cmp", fields: [("BatchFileName", ""), ("RespPrvData", "")]),
                           ABCBankCodec.Section(name: "Corp", fields: [("WaitFlag", "0")])])
        case .refused(let sequenceNumber, let code, let text):
            body = ABCBankCodec.answer(code: request.code, requestId: request.requestId, responseCode: code, info: text,
                                       extendedInfo: text + ",交易被拒绝", source: "3", sequenceNumber: sequenceNumber, at: now,
                                       sections: [ABCBankCodec.Section(name: nil, fields: [("FileFlag", "0")])])
        }
        return body
    }

    // MARK: - CQRT04

    /// `CQRT04` (异常交易结果查询): the stored result of `Cmp/CmeSeqNo` when it was received from the
    /// account `Cmp/DbAccNo`: `RespCode` `0000` and `Cmp/RespPrvData` = the execution time
    /// (`YYYYMMDDHHMMSS`, China), `0000`, then the host's result twice (`0000` booked, `0389` failed);
    /// a `CmeSeqNo` never received under that account ends in `S404` (the simulator's own code).
    private func abcStatus(_ request: ABCBankCodec.Request) async throws -> BankAnswer {
        guard let account = request.value("Cmp", "DbAccNo"), let reference = request.value("Cmp", "CmeSeqNo") else {
            throw BankCodecError("CQRT04 needs Cmp/DbAccNo and Cmp/CmeSeqNo")
        }
        guard request.value("Cmp", "DbProv") != nil, request.value("Cmp", "DbCur") != nil else {
            throw BankCodecError("CQRT04 needs Cmp/DbProv and Cmp/DbCur")
        }
        let stored = try await database.read { db in try SimulatorLedger.storedAnswer(messageId: reference, on: db) }
            .flatMap(ABCExecution.StoredResult.init)
        let now = clock.now()
        let found = stored.flatMap { $0.debtorAccount == account ? $0 : nil }
        let host = found?.hostCode ?? ABCCodesOfSimulator.hostNotFound
        let data = (found?.executedAt ?? CMBBankCodec.chinaDateTime(now)) + "0000" + host + host
        let body = ABCBankCodec.answer(
            code: request.code, requestId: request.requestId, responseCode: ABCCodesOfSimulator.success, info: "交易成功",
            at: now,
            sections: [ABCBankCodec.Section(name: "Cmp", fields: [("DbAccNo", account), ("CmeSeqNo", reference), ("RespPrvData", data)]),
                       ABCBankCodec.Section(name: "Corp", fields: [("Postscript", found?.postscript ?? "无此交易")])])
        return abcAnswer(body, effect: .handled(subject: reference))
    }

    // MARK: - CQRA06

    /// `CQRA06` (查询余额): the ledger's balance of `Cmp/DbAccNo` in the `Acc` shape of the adapter's
    /// `cqra06-answer.dat`; an account the ledger does not have, or a profile account named with
    /// another province, is `2003` 账号不存在.
    private func abcBalance(_ request: ABCBankCodec.Request, profile: ABCProfile) async throws -> BankAnswer {
        let now = clock.now()
        guard let (account, province, currency) = try await abcNamedAccount(request, profile: profile) else {
            return abcAccountRefusal(request, at: now)
        }
        let number = account.number
        let usable = account.status == .open
        let status = switch account.status {
        case .open: "0"
        case .closed: "1"
        case .blocked: "2"
        }
        let body = ABCBankCodec.answer(
            code: request.code, requestId: request.requestId, responseCode: ABCCodesOfSimulator.success, info: "交易成功",
            at: now,
            sections: [ABCBankCodec.Section(name: "Cmp", fields: [("DbProv", province), ("DbAccNo", number), ("DbCur", currency)]),
                       ABCBankCodec.Section(name: "Corp", fields: [("DbAccName", profile.knownAccount(number)?.name ?? "")]),
                       ABCBankCodec.Section(name: "Acc", fields: [
                           ("Bal", account.balance.decimalString),
                           ("AvailBal", Money(minorUnits: usable ? account.balance.minorUnits : 0, currency: account.currency).decimalString),
                           ("AccType", "0"), ("AccSts", status),
                       ])])
        return abcAnswer(body, effect: .handled(subject: request.requestId))
    }

    /// The ledger account a query's `Cmp` names (`DbProv`, `DbAccNo`, `DbCur`); `nil` when the ledger
    /// does not have it, a profile account is named with another province, or the currency differs.
    /// - Throws: ``BankCodecError`` when one of the three is missing.
    func abcNamedAccount(_ request: ABCBankCodec.Request,
                         profile: ABCProfile) async throws -> (account: SimulatedAccount, province: String, currency: String)? {
        guard let province = request.value("Cmp", "DbProv"), let number = request.value("Cmp", "DbAccNo"),
              let currency = request.value("Cmp", "DbCur") else {
            throw BankCodecError("\(request.code) needs Cmp/DbProv, Cmp/DbAccNo and Cmp/DbCur")
        }
        guard profile.provinceMatches(province, number: number),
              let account = try await database.read({ db in try SimulatorLedger.account(number, on: db) }),
              currency == Self.abcCurrencyCode(account.currency) else { return nil }
        return (account, province, currency)
    }

    /// `2003` 账号不存在: the answer to a query about an account the bank does not have.
    func abcAccountRefusal(_ request: ABCBankCodec.Request, at now: Timestamp) -> BankAnswer {
        abcAnswer(ABCBankCodec.answer(code: request.code, requestId: request.requestId, responseCode: ABCCodesOfSimulator.accountRefused,
                                      info: "账号不存在", source: "3", at: now),
                  effect: .handled(subject: request.requestId))
    }

    /// ABC's currency code of `currency`: `01` for CNY, the ISO code otherwise (the adapter reads both).
    static func abcCurrencyCode(_ currency: Currency) -> String {
        currency.code == "CNY" ? "01" : currency.code
    }
}
