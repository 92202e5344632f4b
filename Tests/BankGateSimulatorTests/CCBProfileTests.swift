import BankGateAdapters
import BankGateCore
import BankGateStatements
import BankGateXML
import XCTest
@testable import BankGateSimulator
import BankGateTestSupport

/// The CCB profile, driven the way the gateway drives it: `CCBAdapter` encodes (and `envelope` wraps
/// in the form), the simulator answers, `CCBAdapter` decodes.
final class CCBProfileTests: XCTestCase {
    private static let profile = CCBProfile()
    private static let adapter = CCBAdapter(customerId: CCBProfile.defaultCustomerId, operatorId: CCBProfile.defaultUserId,
                                            password: CCBProfile.defaultPassword)
    private static let cny = Currency(code: "CNY")!
    private static let shenzhen = "44201500000052000001"
    private static let shanghai = "31050161000060000002"

    private func openBank(faults: FaultSettings = FaultSettings(seed: 1),
                          clock: ManualClock = ManualClock(SimulatorTestTime.start)) async throws -> SimulatedBank {
        try await SimulatedBank.open(dataDirectory: makeTemporaryDirectory(self), accounts: nil,
                                     openAccounts: Self.profile.accounts.map(\.simulatedAccount), faults: faults,
                                     profile: "ccb", clock: clock, logger: quietLogger)
    }

    private static func debtor(_ number: String = shenzhen) -> DebtorAccount {
        DebtorAccount(id: "acc-" + number, bankId: "ccb-sim", number: number, bankCode: "105584000005",
                      name: "深圳示例建材有限公司", currency: cny)
    }

    /// To the simulator's Shanghai account (6W8010), named as `creditorName`.
    private static func sameBank(_ number: String, minorUnits: Int64, creditorName: String = "上海示例物流有限公司") -> CreditTransfer {
        CreditTransfer(paymentId: "p-" + number, instructionId: number, endToEndId: "E-" + number,
                       amount: Money(minorUnits: minorUnits, currency: cny),
                       creditor: Party(name: creditorName, account: shanghai, bankCode: "105290036005",
                                       bankName: "中国建设银行", bankBranch: "上海分行"),
                       remittanceInfo: "合同HT-118", details: TransferDetails(purpose: "货款", sameBank: true))
    }

    /// To ICBC (6W8060).
    private static func otherBank(_ number: String, minorUnits: Int64) -> CreditTransfer {
        CreditTransfer(paymentId: "p-" + number, instructionId: number, endToEndId: "E-" + number,
                       amount: Money(minorUnits: minorUnits, currency: cny),
                       creditor: Party(name: "上海某某贸易有限公司", account: "31001234567890123", bankCode: "102290000011",
                                       bankName: "中国工商银行", bankBranch: "上海市分行营业部"),
                       remittanceInfo: nil, details: TransferDetails(purpose: "服务费", sameBank: false))
    }

    /// The form body the HTTP transport posts for `transfer`.
    private static func payment(_ transfer: CreditTransfer, from debtor: DebtorAccount = debtor(),
                                adapter: CCBAdapter = adapter) throws -> [UInt8] {
        CCBAdapter.envelope(try adapter.encodePayment(PaymentMessage(
            messageId: "BGM-" + transfer.instructionId, paymentInfoId: "P", createdAt: Timestamp(milliseconds: SimulatorTestTime.start),
            requestedExecutionDate: "2026-11-23", debtor: debtor, initiatingPartyName: debtor.name, transfers: [transfer])))
    }

    private static func status(_ reference: String, queryId: String = "9000000000000001") throws -> [UInt8] {
        CCBAdapter.envelope(try adapter.encodeStatusQuery(reference: reference, queryId: queryId))
    }

    private static func balance(_ bank: SimulatedBank, _ number: String) async throws -> Int64? {
        try await bank.accounts().first { $0.number == number }?.balance.minorUnits
    }

    private static func outcome(_ answer: BankAnswer, reference: String? = nil, file: StaticString = #filePath,
                                line: UInt = #line) -> TransactionOutcome? {
        XCTAssertEqual(answer.httpStatus, 200, file: file, line: line)
        XCTAssertEqual(answer.contentType, "text/xml; charset=GB18030", file: file, line: line)
        guard case .outcomes(let list) = adapter.decodePaymentAnswer(answer.body, reference: reference), list.count == 1 else {
            XCTFail("not one outcome: \(adapter.decodePaymentAnswer(answer.body, reference: reference))", file: file, line: line)
            return nil
        }
        return list[0]
    }

    func testTransfersAreExecutedOnceAndAReusedRequestNumberIsADuplicate() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let first = await bank.receiveCCB(try Self.payment(Self.sameBank("2026112300000001", minorUnits: 1_234_567)),
                                          profile: Self.profile)
        let taken = Self.outcome(first)
        XCTAssertEqual(taken?.instructionId, "2026112300000001")
        XCTAssertEqual(taken?.status, .submitted)
        XCTAssertEqual(taken?.reasonText, "凭证号 000000000001")
        XCTAssertEqual(first.effect, .handled(subject: "2026112300000001"))
        let other = await bank.receiveCCB(try Self.payment(Self.otherBank("2026112300000002", minorUnits: 80_000)),
                                          profile: Self.profile)
        XCTAssertEqual(Self.outcome(other)?.status, .submitted)
        let shenzhenAfter = try await Self.balance(bank, Self.shenzhen)
        let shanghaiAfter = try await Self.balance(bank, Self.shanghai)
        XCTAssertEqual(shenzhenAfter, 1_000_000_000 - 1_234_567 - 80_000)
        XCTAssertEqual(shanghaiAfter, 500_000_000 + 1_234_567, "the same-bank creditor is credited")

        // The same REQUEST_SN again, even with another amount: the duplicate code, nothing executed.
        let again = await bank.receiveCCB(try Self.payment(Self.sameBank("2026112300000001", minorUnits: 5)), profile: Self.profile)
        XCTAssertEqual(try CCBAnswer.read(again.body).returnCode, CCBCodes.duplicateRequest)
        guard case .unknown = Self.adapter.decodePaymentAnswer(again.body) else { return XCTFail("a duplicate is unknown") }
        let shenzhenAgain = try await Self.balance(bank, Self.shenzhen)
        XCTAssertEqual(shenzhenAgain, shenzhenAfter)
        let ledger = try await bank.transfers()
        XCTAssertEqual(ledger.map(\.endToEndId), ["2026112300000001", "2026112300000002"])
        XCTAssertEqual(ledger.map(\.paymentInformationId), ["000000000001", "000000000002"])
    }

    func testStatusQueryFindsResultsAndSaysWhenNothingWasReceived() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        _ = await bank.receiveCCB(try Self.payment(Self.otherBank("2026112300000011", minorUnits: 100_00)), profile: Self.profile)
        let paid = Self.outcome(await bank.receiveCCB(try Self.status("2026112300000011"), profile: Self.profile),
                                reference: "2026112300000011")
        XCTAssertEqual(paid?.status, .completed)
        XCTAssertEqual(paid?.bankStatus, "4")

        // Insufficient funds: no code of the table, so unknown on the send; the status says refused.
        let poor = await bank.receiveCCB(try Self.payment(Self.otherBank("2026112300000012", minorUnits: 2_000_000_000)),
                                         profile: Self.profile)
        XCTAssertEqual(try CCBAnswer.read(poor.body).returnCode, "0130ZSIMAM04")
        guard case .unknown = Self.adapter.decodePaymentAnswer(poor.body) else { return XCTFail("unknown code → unknown") }
        let refused = Self.outcome(await bank.receiveCCB(try Self.status("2026112300000012"), profile: Self.profile))
        XCTAssertEqual(refused?.instructionId, "2026112300000012", "REQUEST_SN1 is echoed")
        XCTAssertEqual(refused?.status, .rejected)
        XCTAssertEqual(refused?.reasonText, "0130ZSIMAM04 余额不足")

        let never = await bank.receiveCCB(try Self.status("2026112399999999"), profile: Self.profile)
        let read = try CCBAnswer.read(never.body)
        XCTAssertEqual(read.returnCode, "0130Z110BB22")
        XCTAssertEqual(read.returnMessage, "查询不到交易")
        XCTAssertEqual(read.code, "6W0600")
        XCTAssertEqual(read.requestNumber, "9000000000000001", "REQUEST_SN is the query's own")
        guard case .notReceived = Self.adapter.decodePaymentAnswer(never.body, reference: "2026112399999999") else {
            return XCTFail("never received → notReceived")
        }
    }

    func testNameCheckAndCredentials() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let mismatch = await bank.receiveCCB(try Self.payment(Self.sameBank("2026112300000021", minorUnits: 100, creditorName: "别的公司")),
                                             profile: Self.profile)
        let rejected = Self.outcome(mismatch)
        XCTAssertEqual(rejected?.status, .rejected)
        XCTAssertEqual(rejected?.reasonCode, "0130Z0100005")
        let mismatchStatus = await bank.receiveCCB(try Self.status("2026112300000021"), profile: Self.profile)
        XCTAssertEqual(Self.outcome(mismatchStatus)?.status, .rejected)

        let wrong = CCBAdapter(customerId: CCBProfile.defaultCustomerId, operatorId: CCBProfile.defaultUserId, password: "guess")
        let refused = await bank.receiveCCB(try Self.payment(Self.sameBank("2026112300000022", minorUnits: 100), adapter: wrong),
                                            profile: Self.profile)
        XCTAssertEqual(try CCBAnswer.read(refused.body).returnCode, "0130Z0100004")
        XCTAssertEqual(CCBCodes.builtIn.category(.returnCode, "0130Z0100004"), .rejected)
        let otherUser = CCBAdapter(customerId: CCBProfile.defaultCustomerId, operatorId: "WLPT02", password: CCBProfile.defaultPassword)
        let balance = await bank.receiveCCB(CCBAdapter.envelope(try otherUser.encodeBalanceQuery(account: Self.debtor(), queryId: "1")),
                                            profile: Self.profile)
        XCTAssertEqual(try CCBAnswer.read(balance.body).returnCode, "0130Z0100004")
        let ledger = try await bank.transfers()
        XCTAssertTrue(ledger.isEmpty)
        // Not recorded: the right password may send it later.
        let later = await bank.receiveCCB(try Self.payment(Self.sameBank("2026112300000022", minorUnits: 100)), profile: Self.profile)
        XCTAssertEqual(Self.outcome(later)?.status, .submitted)
    }

    func testUnreadableAndIncompleteRequests() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        for body in [Array("hello".utf8), Array("requestXml=%3CTX%3E%ZZ".utf8), Array("requestXml=%3CTX%3E".utf8),
                     Array("<!DOCTYPE TX [<!ENTITY x \"y\">]><TX/>".utf8)] {
            let answer = await bank.receiveCCB(body, profile: Self.profile)
            XCTAssertEqual(try CCBAnswer.read(answer.body).returnCode, "0130Z1101003")
            guard case .unreadable = answer.effect else { return XCTFail("unreadable") }
        }
        // The raw TCP variant (the XML without the form) is read too.
        let raw = try Self.adapter.encodePayment(PaymentMessage(
            messageId: "M", paymentInfoId: "P", createdAt: Timestamp(milliseconds: 0), requestedExecutionDate: "2026-11-23",
            debtor: Self.debtor(), initiatingPartyName: "x", transfers: [Self.otherBank("2026112300000031", minorUnits: 100)]))
        var incomplete = raw.bytes
        incomplete.replaceSubrange(incomplete.firstRange(of: Array("<USEOF>".utf8))!.lowerBound..<incomplete.firstRange(of: Array("</USEOF>".utf8))!.upperBound,
                                   with: [])
        let missing = await bank.receiveCCB(incomplete, profile: Self.profile)
        XCTAssertEqual(try CCBAnswer.read(missing.body).returnCode, "0130Z1101001")
        guard case .outcomes(let list) = Self.adapter.decodePaymentAnswer(missing.body) else { return XCTFail("rejected") }
        XCTAssertEqual(list.map(\.status), [.rejected])
        let whole = await bank.receiveCCB(raw.bytes, profile: Self.profile)
        XCTAssertEqual(Self.outcome(whole)?.status, .submitted)
    }

    func testBalanceAndTransactionPagesMatchTheLedger() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        for index in 1...5 {
            let answer = await bank.receiveCCB(try Self.payment(Self.sameBank("202611230000010\(index)", minorUnits: Int64(index) * 100)),
                                               profile: Self.profile)
            XCTAssertEqual(Self.outcome(answer)?.status, .submitted)
        }
        let balanceAnswer = await bank.receiveCCB(
            CCBAdapter.envelope(try Self.adapter.encodeBalanceQuery(account: Self.debtor(), queryId: "1")), profile: Self.profile)
        let balance = try Self.adapter.decodeBalanceAnswer(balanceAnswer.body)
        XCTAssertEqual(balance.balance.minorUnits, 1_000_000_000 - 1_500)
        XCTAssertEqual(balance.availableBalance?.minorUnits, 1_000_000_000 - 1_500)
        XCTAssertEqual(balance.status, "正常")
        let unknown = await bank.receiveCCB(CCBAdapter.envelope(try Self.adapter.encodeBalanceQuery(
            account: Self.debtor("62270000000000000"), queryId: "2")), profile: Self.profile)
        XCTAssertThrowsError(try Self.adapter.decodeBalanceAnswer(unknown.body))

        // Two per page (the codec always asks 200: the test narrows TOTAL_RECORD in the request).
        func query(_ page: CCBPageRequest?, account: DebtorAccount = Self.debtor()) throws -> [UInt8] {
            var bytes = try Self.adapter.encodeTransactionQuery(account: account, fromDate: "2026-11-23", toDate: "2026-11-23",
                                                                queryId: "3", page: page).bytes
            let field = bytes.firstRange(of: Array("<TOTAL_RECORD>200</TOTAL_RECORD>".utf8))!
            bytes.replaceSubrange(field, with: Array("<TOTAL_RECORD>2</TOTAL_RECORD>".utf8))
            return CCBAdapter.envelope(EncodedMessage(kind: "CCB.6WY101", contentType: CCBAdapter.contentType,
                                                      fileName: "q.xml", bytes: bytes))
        }
        var page: CCBPageRequest? = nil
        var pages: [CCBTransactionPage] = []
        repeat {
            let answer = await bank.receiveCCB(try query(page), profile: Self.profile)
            let decoded = try Self.adapter.decodeTransactionPage(answer.body, account: Self.debtor(), statementId: "S")
            pages.append(decoded)
            page = decoded.next
        } while page != nil && pages.count < 10
        XCTAssertEqual(pages.map(\.transactions.count), [2, 2, 1])
        XCTAssertEqual(pages.map(\.totalPages), [3, 3, 3])
        let all = pages.flatMap(\.transactions)
        XCTAssertEqual(all.map(\.amount.minorUnits), [100, 200, 300, 400, 500], "oldest first")
        XCTAssertEqual(all.map(\.creditDebit), Array(repeating: .debit, count: 5))
        XCTAssertEqual(all.last?.balanceAfter?.minorUnits, balance.balance.minorUnits)
        XCTAssertEqual(all.first?.counterparty.name, "上海示例物流有限公司")
        XCTAssertEqual(all.first?.counterparty.account, Self.shanghai)
        XCTAssertEqual(all.first?.remittanceInformation, "货款")
        XCTAssertEqual(all.first?.bookingDate, "2026-11-23")

        // The payee sees the credits; a made-up position string is refused.
        let credits = await bank.receiveCCB(try query(nil, account: Self.debtor(Self.shanghai)), profile: Self.profile)
        let payee = try Self.adapter.decodeTransactionPage(credits.body, account: Self.debtor(Self.shanghai), statementId: "S")
        XCTAssertEqual(payee.transactions.first?.creditDebit, .credit)
        XCTAssertEqual(payee.transactions.first?.counterparty.name, "深圳示例建材有限公司")
        let forged = await bank.receiveCCB(try query(CCBPageRequest(number: 2, position: "1010015131456736417027990+11+")),
                                           profile: Self.profile)
        XCTAssertEqual(try CCBAnswer.read(forged.body).returnCode, "0130Z1101002")
    }

    func testFaultsTakeTheClientsForms() async throws {
        let failing = try await openBank(faults: FaultSettings(seed: 5, failRate: 1))
        let busy = await failing.receiveCCB(try Self.payment(Self.otherBank("2026112300000041", minorUnits: 100)), profile: Self.profile)
        XCTAssertEqual(try CCBAnswer.read(busy.body).returnCode, "0130Z0100001")
        XCTAssertEqual(busy.effect, .refusedForNow)
        guard case .unknown = Self.adapter.decodePaymentAnswer(busy.body) else { return XCTFail("busy is unknown for the codec") }
        let failed = try await failing.transfers()
        XCTAssertTrue(failed.isEmpty, "refused before executing")
        let status = await failing.receiveCCB(try Self.status("2026112300000041"), profile: Self.profile)
        guard case .notReceived = Self.adapter.decodePaymentAnswer(status.body) else { return XCTFail("queries are never failed") }
        failing.close()

        let garbling = try await openBank(faults: FaultSettings(seed: 5, malformedRate: 1))
        defer { garbling.close() }
        let garbled = await garbling.receiveCCB(try Self.payment(Self.otherBank("2026112300000042", minorUnits: 100)), profile: Self.profile)
        guard case .unknown = Self.adapter.decodePaymentAnswer(garbled.body) else { return XCTFail("a cut answer is unknown") }
        let settled = await garbling.receiveCCB(try Self.status("2026112300000042"), profile: Self.profile)
        XCTAssertEqual(Self.outcome(settled)?.status, .completed)

        let clock = ManualClock(SimulatorTestTime.start)
        let maintained = try await openBank(faults: FaultSettings(seed: 5, maintenanceEverySeconds: 60, maintenanceDurationSeconds: 10),
                                            clock: clock)
        defer { maintained.close() }
        let down = await maintained.receiveCCB(try Self.payment(Self.otherBank("2026112300000043", minorUnits: 100)), profile: Self.profile)
        XCTAssertEqual(try CCBAnswer.read(down.body).returnCode, "0130Z0100002")
        clock.advance(milliseconds: 15_000)
        let up = await maintained.receiveCCB(try Self.payment(Self.otherBank("2026112300000043", minorUnits: 100)), profile: Self.profile)
        XCTAssertEqual(Self.outcome(up)?.status, .submitted)
    }

    func testPrintConfigGivesTheGatewaysTables() throws {
        let text = try SimulatorProfiles.gatewayConfiguration(profile: "ccb", listen: ListenAddress(host: "127.0.0.1", port: 9103),
                                                              dataDirectory: "var/ccb")
        XCTAssertTrue(text.contains("\n# export BANKGATE_CCB_PASSWORD=\(CCBProfile.defaultPassword)\n"), text)
        let tables = try TOMLLines.parse(text)
        XCTAssertEqual(tables.map(\.name), ["banks", "accounts", "accounts"])
        XCTAssertEqual(tables[0].values, ["id": "ccb-sim", "adapter": "ccb", "transport": "http",
                                          "url": "http://127.0.0.1:9103/ccb", "customer_id": CCBProfile.defaultCustomerId,
                                          "user_id": CCBProfile.defaultUserId, "password_env": "BANKGATE_CCB_PASSWORD",
                                          "payroll_bill_code": CCBProfile.defaultPayrollBillCode])
        XCTAssertEqual(tables[1].values, ["id": "ccb-sim-sz", "bank": "ccb-sim", "number": Self.shenzhen,
                                          "bank_code": "105584000005", "name": "深圳示例建材有限公司", "currency": "CNY"])
        XCTAssertTrue(tables.dropFirst().allSatisfy { $0.values["bank_code"]?.hasPrefix("105") == true })
        XCTAssertTrue(SimulatorProfiles.names.contains("ccb"))
    }
}
