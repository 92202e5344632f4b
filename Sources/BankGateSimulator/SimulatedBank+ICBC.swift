import BankGateCore
import BankGateStore
import BankGateXML
import Logging

/// The ICBC profile's requests: the NetSafe Client's sign port and its encryption port, with ICBC
/// behind it.
///
/// Every answer of the encryption port is HTTP 200, `reqData=` + Base64 of a GBK `CMS/eb` document;
/// problems are in `pub/RetCode` (``ICBCCodesOfSimulator``). Checks, in order: the form, the
/// certificate and group, the maintenance window, the signature, the document, the transaction.
extension SimulatedBank {
    /// `Content-Type` of the encryption port's answers.
    static let icbcContentType = "text/plain; charset=GBK"
    /// `Content-Type` of the sign port's answers.
    static let icbcSignContentType = "text/html; charset=GBK"

    // MARK: - Sign port

    /// Signs one document posted to the simulated sign port (`INFOSEC_SIGN/1.0`, the GBK document as
    /// body): an HTML page with the signed package in `<sign>`, or without it when the post is not a
    /// request document. Never faulted: the NC is the enterprise's own software.
    func signICBC(_ body: [UInt8], contentType: String?, profile: ICBCProfile) -> BankAnswer {
        func refuse(_ message: String) -> BankAnswer {
            BankAnswer(httpStatus: 200, body: ICBCSignedPackage.errorPage(message), contentType: Self.icbcSignContentType,
                       effect: .unreadable(reason: message))
        }
        guard contentType?.lowercased().hasPrefix("infosec_sign/1.0") == true else {
            return refuse("Content-Type must be INFOSEC_SIGN/1.0")
        }
        let request: ICBCBankCodec.Request
        do {
            request = try ICBCBankCodec.readRequest(body)
        } catch {
            return refuse("not a request document: \(error.message)")
        }
        let package = ICBCSignedPackage.sign(body, key: profile.signingKey)
        logger.debug("ICBC document signed", metadata: ["trans_code": "\(request.transCode)"])
        return BankAnswer(httpStatus: 200, body: ICBCSignedPackage.answerPage(package), contentType: Self.icbcSignContentType,
                          effect: .handled(subject: request.packageId))
    }

    // MARK: - Encryption port

    /// Receives one form posted to the simulated encryption port; `userID` is the URL's, when given.
    func receiveICBC(form bytes: [UInt8], userID: String?, profile: ICBCProfile) async -> BankAnswer {
        let form: ICBCBankCodec.Form
        do {
            form = try ICBCBankCodec.readForm(bytes)
        } catch {
            return await delayed(icbcRefusal(nil, profile: profile, code: ICBCCodesOfSimulator.format,
                                             message: "报文格式错误: \(error.message)", effect: .unreadable(reason: error.message)))
        }
        // What the answer's pub repeats when the document cannot be read.
        let envelope = (transCode: form.text("TransCode") ?? "", packageId: form.text("PackageID") ?? "")
        func refusal(_ code: String, _ message: String, effect: BankAnswer.Effect) -> BankAnswer {
            icbcRefusal(envelope, profile: profile, code: code, message: message, effect: effect)
        }
        guard form.text("GroupCIS") == profile.groupCIS, form.text("ID") == profile.certificateId,
              userID == nil || userID == profile.certificateId else {
            return await delayed(refusal(ICBCCodesOfSimulator.certificate, "证书未注册或与集团CIS不符", effect: .refusedForNow))
        }
        if isInMaintenance {
            return await delayed(refusal(ICBCCodesOfSimulator.maintenance, "系统维护中,请稍后再试", effect: .refusedForNow))
        }
        guard let reqData = form.fields["reqData"], !reqData.isEmpty, !envelope.transCode.isEmpty,
              !envelope.packageId.isEmpty else {
            return await delayed(refusal(ICBCCodesOfSimulator.format, "报文格式错误: TransCode, PackageID and reqData are required",
                                         effect: .unreadable(reason: "incomplete form")))
        }
        // reqData is the document itself (a query), or the sign port's package of it.
        let document: [UInt8]
        let signed: Bool
        if reqData.first == UInt8(ascii: "<") {
            (document, signed) = (reqData, false)
        } else {
            switch ICBCSignedPackage.verify(reqData, key: profile.signingKey) {
            case .success(let inner):
                (document, signed) = (inner, true)
            case .failure(let refusal):
                let message = refusal == .notAPackage ? "签名数据格式错误" : "签名验证失败"
                return await delayed(self.icbcRefusal(envelope, profile: profile, code: ICBCCodesOfSimulator.signature,
                                                      message: message, effect: .unreadable(reason: "\(refusal)")))
            }
        }
        if !signed && document.firstRange(of: Array("<SignTime>".utf8)) != nil {
            return await delayed(refusal(ICBCCodesOfSimulator.signature, "指令未签名", effect: .unreadable(reason: "unsigned")))
        }
        let request: ICBCBankCodec.Request
        do {
            request = try ICBCBankCodec.readRequest(document)
        } catch {
            return await delayed(refusal(ICBCCodesOfSimulator.format, "报文格式错误: \(error.message)",
                                         effect: .unreadable(reason: error.message)))
        }
        guard request.transCode == envelope.transCode, request.packageId == envelope.packageId,
              request.cis == profile.groupCIS, request.certificateId == profile.certificateId else {
            return await delayed(refusal(ICBCCodesOfSimulator.format, "报文格式错误: pub does not match the form",
                                         effect: .unreadable(reason: "pub does not match the form")))
        }
        let answer: BankAnswer
        do {
            switch request.transCode {
            case "PAYENT", "PAYPER": answer = await icbcPayment(request, profile: profile)
            case "QPAYENT", "QPAYPER": answer = try await icbcStatus(request, profile: profile)
            case "QACCBAL": answer = try await icbcBalances(request, profile: profile)
            case "QHISD": answer = try await icbcTransactions(request, profile: profile)
            case "DownEBill": answer = try await icbcReceiptDocument(request, profile: profile)
            default:
                answer = icbcAnswer(request, profile: profile, code: ICBCCodesOfSimulator.unsupported,
                                    message: "交易不支持: \(request.transCode)", effect: .unreadable(reason: "unknown TransCode"))
            }
        } catch let error as BankCodecError {
            answer = icbcAnswer(request, profile: profile, code: ICBCCodesOfSimulator.format, message: "报文格式错误: \(error.message)",
                                effect: .unreadable(reason: error.message))
        } catch {
            logger.error("bank simulator ledger read failed", metadata: ["error": "\(error)"])
            answer = icbcAnswer(request, profile: profile, code: ICBCCodesOfSimulator.busy, message: "系统忙,请稍后再试",
                                effect: .refusedForNow)
        }
        return await delayed(answer)
    }

    /// An answer to `request`: `pub` with `code` and `message`, then `items` in `out`.
    private func icbcAnswer(_ request: ICBCBankCodec.Request, profile: ICBCProfile, serialNumber: String? = nil, code: String,
                            message: String, items: [ICBCBankCodec.Item] = [], effect: BankAnswer.Effect) -> BankAnswer {
        icbcAnswerAndDocument(request, profile: profile, serialNumber: serialNumber, code: code, message: message,
                              items: items, effect: effect).answer
    }

    /// ``icbcAnswer(_:profile:serialNumber:code:message:items:effect:)`` with the document it wraps.
    private func icbcAnswerAndDocument(_ request: ICBCBankCodec.Request, profile: ICBCProfile, serialNumber: String? = nil,
                                       code: String, message: String, items: [ICBCBankCodec.Item] = [],
                                       effect: BankAnswer.Effect) -> (answer: BankAnswer, document: [UInt8]) {
        let document = ICBCBankCodec.document(
            transCode: request.transCode, cis: profile.groupCIS, certificateId: profile.certificateId,
            packageId: request.packageId, serialNumber: serialNumber, returnCode: code, returnMessage: message,
            answeredAt: clock.now(), items: items)
        let answer = BankAnswer(httpStatus: 200, body: ICBCBankCodec.wrap(document), contentType: Self.icbcContentType,
                                effect: effect)
        return (answer, document)
    }

    /// A refusal before the document is read: `pub` from the form.
    private func icbcRefusal(_ envelope: (transCode: String, packageId: String)?, profile: ICBCProfile, code: String,
                             message: String, effect: BankAnswer.Effect) -> BankAnswer {
        let document = ICBCBankCodec.document(
            transCode: envelope?.transCode ?? "", cis: profile.groupCIS, certificateId: profile.certificateId,
            packageId: envelope?.packageId ?? "", returnCode: code, returnMessage: message, answeredAt: clock.now())
        return BankAnswer(httpStatus: 200, body: ICBCBankCodec.wrap(document), contentType: Self.icbcContentType, effect: effect)
    }

    // MARK: - PAYENT, PAYPER

    /// `PAYENT` (1–30 records) or `PAYPER` (a payroll, 1–500), executed record by record alike.
    private func icbcPayment(_ request: ICBCBankCodec.Request, profile: ICBCProfile) async -> BankAnswer {
        let package: ICBCPaymentPackage
        do {
            package = try ICBCBankCodec.readPayment(request, maxRecords: request.transCode == "PAYPER"
                                                        ? ICBCPaymentPackage.maxPayrollRecords : ICBCPaymentPackage.maxTransfers)
        } catch {
            return icbcAnswer(request, profile: profile, code: ICBCCodesOfSimulator.format, message: "报文格式错误: \(error.message)",
                              effect: .unreadable(reason: error.message))
        }
        let decision = faults.nextDecision()
        if decision == .fail {
            return icbcAnswer(request, profile: profile, code: ICBCCodesOfSimulator.busy, message: "系统忙,请稍后再试",
                              effect: .refusedForNow)
        }
        let now = clock.now()
        let accountsListed = self.accountsListed
        let outcome: ICBCExecution.Outcome
        do {
            outcome = try await database.write { db in
                var execution = PaymentExecution(db: db, accountsListed: accountsListed, executedAt: now)
                let outcome = try ICBCExecution.run(package, profile: profile, on: &execution)
                try execution.commit()
                return outcome
            }
        } catch {
            logger.error("bank simulator ledger write failed", metadata: ["error": "\(error)"])
            return icbcAnswer(request, profile: profile, code: ICBCCodesOfSimulator.busy, message: "系统忙,请稍后再试",
                              effect: .refusedForNow)
        }
        var answer: (answer: BankAnswer, document: [UInt8])
        switch outcome {
        case .duplicate:
            logger.info("duplicate package", metadata: ["trans_code": "\(request.transCode)", "fault": "\(decision)"])
            answer = icbcAnswerAndDocument(request, profile: profile, code: ICBCCodesOfSimulator.duplicate,
                                           message: ICBCCodesOfSimulator.duplicateText, effect: .handled(subject: package.packageId))
        case .executed(let serial, let items, let executed):
            logger.info("package executed", metadata: [
                "trans_code": "\(request.transCode)",
                "transfers": "\(package.transfers.count)", "executed": "\(executed)", "fault": "\(decision)",
            ])
            answer = icbcAnswerAndDocument(request, profile: profile, serialNumber: serial, code: "0", message: "交易成功",
                                           items: items, effect: .handled(subject: package.packageId))
        }
        if decision == .malformed {
            // The bank's answer cut off, then wrapped by the NC: Base64 that decodes to broken XML.
            answer.answer.body = ICBCBankCodec.wrap(ISO20022BankCodec.malformed(answer.document))
        } else {
            answer.answer.apply(decision)
        }
        return answer.answer
    }

    // MARK: - QPAYENT, QPAYPER

    /// `QPAYENT` (`QPAYPER`): the `PAYENT` (`PAYPER`) package stored under `QryfSeqno`, or `B0116` when
    /// the bank never received one of that kind.
    private func icbcStatus(_ request: ICBCBankCodec.Request, profile: ICBCProfile) async throws -> BankAnswer {
        guard let packageId = request.text("QryfSeqno") else { throw BankCodecError("in/QryfSeqno is required") }
        let stored = try await database.read { db in try SimulatorLedger.storedAnswer(messageId: packageId, on: db) }
        let asked = String(request.transCode.dropFirst())
        guard let stored, let package = ICBCBankCodec.readStored(stored), package.name == "package",
              (ICBCBankCodec.text(package.child("TransCode")) ?? "PAYENT") == asked else {
            return icbcAnswer(request, profile: profile, code: ICBCCodesOfSimulator.noRecord,
                              message: ICBCCodesOfSimulator.noRecordText, effect: .handled(subject: packageId))
        }
        let (serial, items) = ICBCExecution.statusItems(packageId: packageId, stored: package)
        return icbcAnswer(request, profile: profile, serialNumber: serial, code: "0", message: "交易成功", items: items,
                          effect: .handled(subject: packageId))
    }

    // MARK: - QACCBAL

    /// `QACCBAL`: per `rd`, the ledger's balance now (`Balance`), the previous China day's closing
    /// balance (`AccBalance`), what is usable and frozen; `iRetCode` `SIMAC01` for an account the bank
    /// does not hold.
    private func icbcBalances(_ request: ICBCBankCodec.Request, profile: ICBCProfile) async throws -> BankAnswer {
        let queries = request.input.children("rd")
        guard (1...100).contains(queries.count) else { throw BankCodecError("QACCBAL takes 1 to 100 rd") }
        let now = clock.now()
        let today = ICBCBankCodec.chinaDate(now)
        let (day, time) = ICBCBankCodec.chinaTime(now)
        var items: [ICBCBankCodec.Item] = []
        for query in queries {
            guard let number = ICBCBankCodec.text(query.child("AccNo")) else { throw BankCodecError("rd: AccNo is required") }
            let sequence = ICBCBankCodec.text(query.child("iSeqno")) ?? String(items.count + 1)
            let found = try await database.read { db -> (SimulatedAccount, [LedgerMovement])? in
                guard let account = try SimulatorLedger.account(number, on: db) else { return nil }
                return (account, try SimulatorLedger.movements(of: account, on: db))
            }
            guard case let (account, movements)? = found else {
                items.append(.record("rd", [.init("iSeqno", sequence), .init("AccNo", number),
                                            .init("iRetCode", ICBCCodesOfSimulator.unknownAccount),
                                            .init("iRetMsg", "账号不存在或无查询权限")]))
                continue
            }
            let todays = movements.filter { ICBCBankCodec.chinaDate($0.transfer.executedAt) == today }
            let previous = todays.first.map {
                $0.balanceAfter.minorUnits + ($0.isDebit ? $0.transfer.amount.minorUnits : -$0.transfer.amount.minorUnits)
            } ?? account.balance.minorUnits
            let balance = account.balance.minorUnits
            items.append(.record("rd", [
                .init("iSeqno", sequence), .init("AccNo", number), .init("CurrType", ICBCBankCodec.currencyType(account.currency)),
                .init("CashExf", "0"), .init("AcctProperty", "001"), .init("AccBalance", String(previous)),
                .init("Balance", String(balance)), .init("UsableBalance", String(account.status == .open ? balance : 0)),
                .init("FrzAmt", String(account.status == .blocked ? balance : 0)), .init("QueryTime", day + time),
                .init("iRetCode", "0"), .init("iRetMsg", ""),
            ]))
        }
        return icbcAnswer(request, profile: profile, code: "0", message: "交易成功", items: items,
                          effect: .handled(subject: request.packageId))
    }

    // MARK: - QHISD

    /// `QHISD`: the account's bookings whose China date is from `BeginDate` to `EndDate` and whose
    /// amount in fen is from `MinAmt` to `MaxAmt`, oldest first, `transactionsPerPage` at a time; a
    /// page with more after it carries `NextTag` (`yyyyMMdd|row|Drcrf` of the next booking), which
    /// the next request sends back with the same dates.
    private func icbcTransactions(_ request: ICBCBankCodec.Request, profile: ICBCProfile) async throws -> BankAnswer {
        guard let number = request.text("AccNo") else { throw BankCodecError("in/AccNo is required") }
        guard let begin = request.text("BeginDate"), let first = ICBCBankCodec.dayNumber(begin),
              let end = request.text("EndDate"), let last = ICBCBankCodec.dayNumber(end), first <= last else {
            throw BankCodecError("in/BeginDate and in/EndDate must be yyyyMMdd dates in order")
        }
        func bound(_ name: String, _ fallback: Int64) throws(BankCodecError) -> Int64 {
            guard let text = request.text(name) else { return fallback }
            guard ICBCBankCodec.isDigits(text, maxDigits: 17), let value = Int64(text) else {
                throw BankCodecError("in/\(name) must be an amount in fen")
            }
            return value
        }
        let minimum = try bound("MinAmt", 0), maximum = try bound("MaxAmt", Int64.max)
        let nextTag = request.text("NextTag")
        let found = try await database.read { db -> (SimulatedAccount, [(LedgerMovement, XMLNode?)])? in
            guard let account = try SimulatorLedger.account(number, on: db) else { return nil }
            var orders: [String: XMLNode?] = [:]
            var listed: [(LedgerMovement, XMLNode?)] = []
            for movement in try SimulatorLedger.movements(of: account, on: db) {
                guard let day = ICBCBankCodec.dayNumber(ICBCBankCodec.chinaDate(movement.transfer.executedAt)),
                      (first...last).contains(day), (minimum...maximum).contains(movement.transfer.amount.minorUnits) else { continue }
                let key = movement.transfer.messageId
                if orders[key] == nil {
                    orders[key] = .some(try SimulatorLedger.storedAnswer(messageId: key, on: db).flatMap(ICBCBankCodec.readStored))
                }
                let order = (orders[key] ?? nil)?.children("rd").first {
                    (ICBCBankCodec.text($0.child("Ref")) ?? "") == movement.transfer.endToEndId
                }
                listed.append((movement, order))
            }
            return (account, listed)
        }
        guard case let (account, listed)? = found else {
            return icbcAnswer(request, profile: profile, code: ICBCCodesOfSimulator.unknownAccount,
                              message: "账号不存在或无查询权限", effect: .handled(subject: request.packageId))
        }
        func tag(_ movement: LedgerMovement) -> String {
            ICBCBankCodec.chinaDate(movement.transfer.executedAt) + "|" + String(movement.id) + "|" + (movement.isDebit ? "1" : "2")
        }
        var start = 0
        if let nextTag {
            guard let index = listed.firstIndex(where: { tag($0.0) == nextTag }) else {
                throw BankCodecError("in/NextTag is not one this query gave")
            }
            start = index
        }
        let pageEnd = min(listed.count, start + max(1, profile.transactionsPerPage))
        let page = listed[start..<pageEnd]
        let holder = profile.knownAccount(number)?.name ?? ""
        var items: [ICBCBankCodec.Item] = [
            .value("AccNo", number), .value("AccName", holder), .value("CurrType", ICBCBankCodec.currencyType(account.currency)),
            .value("BeginDate", begin), .value("EndDate", end), .value("MinAmt", String(minimum)),
            .value("MaxAmt", request.text("MaxAmt") ?? ""),
            .value("NextTag", pageEnd < listed.count ? tag(listed[pageEnd].0) : ""), .value("TotalNum", String(page.count)),
        ]
        for (movement, order) in page {
            items.append(.record("rd", ICBCExecution.transactionRecord(movement, order: order, profile: profile)))
        }
        return icbcAnswer(request, profile: profile, code: "0", message: "交易成功", items: items,
                          effect: .handled(subject: request.packageId))
    }

    // MARK: - DownEBill

    /// `DownEBill`: the receipt of the booking on `AcctNo` named by `AreaCode`, `NetCode` and
    /// `TranSerialNo` (the simulator's `Toutfo`, ``ICBCExecution/receiptKey(_:)``) on `WorkDate`:
    /// `out/FileName` and `out/FileContent`, the Base64 of the simulator's receipt document (the
    /// `QHISD` record as text, ``SimulatedReceiptDocument``). This answer's layout is the one the
    /// adapter assumes; `B0116` when there is no such booking.
    private func icbcReceiptDocument(_ request: ICBCBankCodec.Request, profile: ICBCProfile) async throws -> BankAnswer {
        guard let number = request.text("AcctNo"), let area = request.text("AreaCode"), let net = request.text("NetCode"),
              let serial = request.text("TranSerialNo"), let day = request.text("WorkDate"), ICBCBankCodec.dayNumber(day) != nil else {
            throw BankCodecError("in/AcctNo, AreaCode, NetCode, TranSerialNo and WorkDate (yyyyMMdd) are required")
        }
        let found = try await database.read { db -> (document: [UInt8], name: String)?? in
            guard let account = try SimulatorLedger.account(number, on: db) else { return .some(nil) }
            for movement in try SimulatorLedger.movements(of: account, on: db)
            where ICBCBankCodec.chinaDate(movement.transfer.executedAt) == day {
                let key = ICBCExecution.receiptKey(movement).split(separator: "|").map(String.init)
                guard key.count == 4, key[0] == area, key[1] == net, key[3] == serial else { continue }
                let order = try SimulatorLedger.storedAnswer(messageId: movement.transfer.messageId, on: db)
                    .flatMap(ICBCBankCodec.readStored)?.children("rd")
                    .first { (ICBCBankCodec.text($0.child("Ref")) ?? "") == movement.transfer.endToEndId }
                let fields = ICBCExecution.transactionRecord(movement, order: order, profile: profile)
                let document = SimulatedReceiptDocument.text(bank: "ICBC", receiptNumber: key.joined(separator: "|"),
                                                             fields: [("AccNo", number)] + fields.map { ($0.name, $0.value) })
                return .some((document, "EBILL_" + key.joined(separator: "_") + ".txt"))
            }
            return nil
        }
        guard let found else {
            return icbcAnswer(request, profile: profile, code: ICBCCodesOfSimulator.noRecord, message: ICBCCodesOfSimulator.noRecordText,
                              effect: .handled(subject: request.packageId))
        }
        guard let receipt = found else {
            return icbcAnswer(request, profile: profile, code: ICBCCodesOfSimulator.unknownAccount,
                              message: "账号不存在或无查询权限", effect: .handled(subject: request.packageId))
        }
        return icbcAnswer(request, profile: profile, code: "0", message: "交易成功",
                          items: [.value("FileName", receipt.name),
                                  .value("FileContent", CMBCloudBankCodec.base64Encode(receipt.document))],
                          effect: .handled(subject: request.packageId))
    }
}
