import BankGateAdapters
import BankGateCore
import BankGateStatements
import BankGateXML
import XCTest
@testable import BankGateSimulator
import BankGateTestSupport

/// The BOC profile, driven the way the gateway drives it: `BOCAdapter` signs in and encodes, the
/// simulator answers, `BOCAdapter` decodes.
final class BOCProfileTests: XCTestCase {
    private static let profile = BOCProfile()
    private static let shanghai = "436512345678"
    private static let shenzhen = "741298765432"
    private static let adapter = BOCAdapter(terminalId: BOCProfile.defaultTerminalId, customerId: BOCProfile.defaultCustomerId,
                                            operatorId: BOCProfile.defaultOperatorId,
                                            branchNumbers: [shanghai: "40600", shenzhen: "44500"])
    private static let cny = Currency(code: "CNY")!

    private func openBank(faults: FaultSettings = FaultSettings(seed: 1),
                          clock: ManualClock = ManualClock(SimulatorTestTime.start)) async throws -> SimulatedBank {
        try await SimulatedBank.open(dataDirectory: makeTemporaryDirectory(self), accounts: nil,
                                     openAccounts: Self.profile.accounts.map(\.simulatedAccount), faults: faults,
                                     profile: "boc", clock: clock, logger: quietLogger)
    }

    private static func debtor(_ number: String = shanghai) -> DebtorAccount {
        DebtorAccount(id: "acc-" + number, bankId: "boc-sim", number: number, bankCode: "104290003791",
                      name: "上海示例电子有限公司", currency: cny)
    }

    private static func transfer(_ reference: String, minorUnits: Int64, to account: String = shenzhen,
                                 name: String = "深圳示例能源有限公司") -> CreditTransfer {
        CreditTransfer(paymentId: "p-" + reference, instructionId: reference, endToEndId: "E-" + reference,
                       amount: Money(minorUnits: minorUnits, currency: cny),
                       creditor: Party(name: name, account: account, bankCode: "104584000003", bankName: "中国银行",
                                       bankBranch: "深圳分行"),
                       remittanceInfo: nil, details: TransferDetails(purpose: "货款"))
    }

    private static func signIn(_ bank: SimulatedBank, password: String = BOCProfile.defaultPassword,
                               sessions: BOCSessions, adapter: BOCAdapter = adapter) async throws -> BOCSignInAnswer {
        let request = try adapter.encodeSignIn(operatorPassword: password, customerTime: Timestamp(milliseconds: SimulatorTestTime.start),
                                               messageId: "BGS1")
        return try adapter.decodeSignInAnswer(await bank.receiveBOC(request.bytes, profile: profile, sessions: sessions).body)
    }

    private static func payment(_ transfers: [CreditTransfer], token: String) throws -> [UInt8] {
        try adapter.encodePayment(PaymentMessage(
            messageId: "BGM-" + transfers[0].instructionId, paymentInfoId: "P", createdAt: Timestamp(milliseconds: SimulatorTestTime.start),
            requestedExecutionDate: "2026-11-23", debtor: debtor(), initiatingPartyName: "上海示例电子有限公司",
            transfers: transfers), token: token).bytes
    }

    private static func outcomes(_ answer: BankAnswer, file: StaticString = #filePath, line: UInt = #line) -> [String: TransactionOutcome] {
        XCTAssertEqual(answer.httpStatus, 200, file: file, line: line)
        XCTAssertEqual(answer.contentType, "text/xml; charset=UTF-8", file: file, line: line)
        guard case .outcomes(let list) = adapter.decodePaymentAnswer(answer.body) else {
            XCTFail("not outcomes: \(adapter.decodePaymentAnswer(answer.body))", file: file, line: line)
            return [:]
        }
        return Dictionary(list.map { ($0.instructionId ?? "", $0) }, uniquingKeysWith: { first, _ in first })
    }

    private static func balance(_ bank: SimulatedBank, _ number: String) async throws -> Int64? {
        try await bank.accounts().first { $0.number == number }?.balance.minorUnits
    }

    func testSignInThenTransfersAreExecutedOnceAndADuplicateInsidIsNotExecutedAgain() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let sessions = BOCSessions()
        let session = try await Self.signIn(bank, sessions: sessions)
        XCTAssertTrue(session.isSignedIn)
        let token = try XCTUnwrap(session.token)
        XCTAssertEqual(session.serverTime, "20261123101320", "China time: the start is 02:13:20 UTC")

        let request = try Self.payment([Self.transfer("BGI-1", minorUnits: 1_234_567),
                                        Self.transfer("BGI-2", minorUnits: 80_000, to: "31001234567890123", name: "上海某某贸易有限公司")],
                                       token: token)
        let first = Self.outcomes(await bank.receiveBOC(request, profile: Self.profile, sessions: sessions))
        XCTAssertEqual(first["BGI-1"]?.status, .submitted)
        XCTAssertEqual(first["BGI-2"]?.status, .submitted)
        let shanghai = try await Self.balance(bank, Self.shanghai)
        let shenzhen = try await Self.balance(bank, Self.shenzhen)
        XCTAssertEqual(shanghai, 1_000_000_000 - 1_234_567 - 80_000)
        XCTAssertEqual(shenzhen, 500_000_000 + 1_234_567)

        let again = Self.outcomes(await bank.receiveBOC(request, profile: Self.profile, sessions: sessions))
        XCTAssertEqual(again["BGI-1"]?.status, .unknown, "a duplicate insid is unknown for the codec")
        XCTAssertEqual(again["BGI-1"]?.bankStatus, "B120")
        let shanghaiAgain = try await Self.balance(bank, Self.shanghai)
        XCTAssertEqual(shanghaiAgain, shanghai)
        let ledger = try await bank.transfers()
        XCTAssertEqual(ledger.map(\.endToEndId), ["BGI-1", "BGI-2"])

        let status = try Self.adapter.encodeStatusQuery(references: ["BGI-1", "BGI-2", "BGI-NEVER"], token: token, queryId: "Q1")
        let found = Self.outcomes(await bank.receiveBOC(status.bytes, profile: Self.profile, sessions: sessions))
        XCTAssertEqual(found["BGI-1"]?.status, .completed)
        XCTAssertEqual(found["BGI-2"]?.status, .completed)
        XCTAssertEqual(found["BGI-NEVER"]?.status, .unknown, "the codec has no not-received reading for BOC")
        XCTAssertEqual(found["BGI-NEVER"]?.bankStatus, "B121")
        XCTAssertEqual(found["BGI-NEVER"]?.reasonText, "无此指令")
    }

    func testRefusedTransfersAreUnknownUntilTheCodecKnowsTheirCodes() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let sessions = BOCSessions()
        let token = try XCTUnwrapAsync(try await Self.signIn(bank, sessions: sessions).token)
        let answer = Self.outcomes(await bank.receiveBOC(try Self.payment([Self.transfer("BGI-POOR", minorUnits: 2_000_000_000)],
                                                                          token: token), profile: Self.profile, sessions: sessions))
        XCTAssertEqual(answer["BGI-POOR"]?.bankStatus, "SIMAM04")
        XCTAssertEqual(answer["BGI-POOR"]?.reasonText, "余额不足")
        XCTAssertEqual(answer["BGI-POOR"]?.status, .unknown)
        let status = try Self.adapter.encodeStatusQuery(references: ["BGI-POOR"], token: token, queryId: "Q2")
        let poorStatus = await bank.receiveBOC(status.bytes, profile: Self.profile, sessions: sessions)
        XCTAssertEqual(Self.outcomes(poorStatus)["BGI-POOR"]?.bankStatus, "SIMAM04")
        let ledger = try await bank.transfers()
        XCTAssertTrue(ledger.isEmpty)
    }

    func testSessionsAndSignInRefusals() async throws {
        let clock = ManualClock(SimulatorTestTime.start)
        let bank = try await openBank(clock: clock)
        defer { bank.close() }
        let sessions = BOCSessions()
        let refused = try await Self.signIn(bank, password: "guess", sessions: sessions)
        XCTAssertFalse(refused.isSignedIn)
        XCTAssertEqual(refused.status.code, "B098")
        let stranger = BOCAdapter(terminalId: BOCProfile.defaultTerminalId, customerId: "99999999",
                                  operatorId: BOCProfile.defaultOperatorId, branchNumbers: [Self.shanghai: "40600"])
        let foreign = try await Self.signIn(bank, sessions: sessions, adapter: stranger)
        XCTAssertFalse(foreign.isSignedIn)

        // No token, an unknown one, an expired one: the codec's sign-in-required form, nothing executed.
        let unknown = await bank.receiveBOC(try Self.payment([Self.transfer("BGI-S1", minorUnits: 100)], token: "NOSUCHTOKEN"),
                                            profile: Self.profile, sessions: sessions)
        XCTAssertTrue(Self.adapter.requiresSignIn(unknown.body))
        guard case .signInRequired = Self.adapter.decodePaymentAnswer(unknown.body) else { return XCTFail("sign-in required") }
        var withoutToken = try Self.adapter.encodeBalanceQuery(account: Self.debtor(), token: "T", queryId: "B1").bytes
        withoutToken.replaceSubrange(withoutToken.firstRange(of: Array("<token>T</token>".utf8))!, with: [])
        let noToken = await bank.receiveBOC(withoutToken, profile: Self.profile, sessions: sessions)
        XCTAssertTrue(Self.adapter.requiresSignIn(noToken.body))
        XCTAssertThrowsError(try Self.adapter.decodeBalanceAnswer(noToken.body))

        let token = try XCTUnwrapAsync(try await Self.signIn(bank, sessions: sessions).token)
        let query = try Self.adapter.encodeBalanceQuery(account: Self.debtor(), token: token, queryId: "B2").bytes
        let signedInBalance = await bank.receiveBOC(query, profile: Self.profile, sessions: sessions)
        XCTAssertNoThrow(try Self.adapter.decodeBalanceAnswer(signedInBalance.body))
        // Another operator cannot use the token.
        let other = BOCAdapter(terminalId: BOCProfile.defaultTerminalId, customerId: BOCProfile.defaultCustomerId,
                               operatorId: "10000002", branchNumbers: [Self.shanghai: "40600"])
        let borrowed = try other.encodeBalanceQuery(account: Self.debtor(), token: token, queryId: "B3").bytes
        let borrowedAnswer = await bank.receiveBOC(borrowed, profile: Self.profile, sessions: sessions)
        XCTAssertTrue(Self.adapter.requiresSignIn(borrowedAnswer.body))
        clock.advance(milliseconds: 29 * 60_000)
        let stillValid = await bank.receiveBOC(query, profile: Self.profile, sessions: sessions)
        XCTAssertFalse(Self.adapter.requiresSignIn(stillValid.body))
        clock.advance(milliseconds: 2 * 60_000)
        let expired = await bank.receiveBOC(query, profile: Self.profile, sessions: sessions)
        XCTAssertTrue(Self.adapter.requiresSignIn(expired.body),
                      "the token expires 30 minutes after the sign-in")
        let ledger = try await bank.transfers()
        XCTAssertTrue(ledger.isEmpty)

        // --session-minutes reaches the profile.
        let configured = Self.profile.configured(for: BankSimulatorOptions(profile: "boc", sessionMinutes: 5)) as? BOCProfile
        XCTAssertEqual(configured?.tokenLifetimeMilliseconds, 5 * 60_000)
        XCTAssertThrowsError(try BankSimulatorOptions(listen: ListenAddress(host: "127.0.0.1", port: 0), profile: "boc",
                                                      sessionMinutes: 0).validate())
    }

    func testBalancesAndTransactionPagesMatchTheLedger() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let sessions = BOCSessions()
        let token = try XCTUnwrapAsync(try await Self.signIn(bank, sessions: sessions).token)
        let transfers = (1...5).map { Self.transfer("BGI-T\($0)", minorUnits: Int64($0) * 100) }
        let paid = await bank.receiveBOC(try Self.payment(transfers, token: token), profile: Self.profile, sessions: sessions)
        XCTAssertEqual(Self.outcomes(paid).count, 5)

        let balances = try Self.adapter.decodeBalanceAnswer(await bank.receiveBOC(
            try Self.adapter.encodeBalanceQuery(account: Self.debtor(), token: token, queryId: "B").bytes,
            profile: Self.profile, sessions: sessions).body)
        XCTAssertEqual(balances.first?.bookedBalance.minorUnits, 1_000_000_000 - 1_500)
        XCTAssertEqual(balances.first?.availableBalance.minorUnits, 1_000_000_000 - 1_500)
        XCTAssertEqual(balances.first?.bankNumber, "40600")
        XCTAssertEqual(balances.first?.name, "上海示例电子有限公司")
        XCTAssertEqual(balances.first?.date, "2026-11-23")
        let wrongBranch = BOCAdapter(terminalId: BOCProfile.defaultTerminalId, customerId: BOCProfile.defaultCustomerId,
                                     operatorId: BOCProfile.defaultOperatorId, branchNumbers: [Self.shanghai: "40601"])
        let wrongBranchAnswer = await bank.receiveBOC(
            try wrongBranch.encodeBalanceQuery(account: Self.debtor(), token: token, queryId: "B").bytes,
            profile: Self.profile, sessions: sessions)
        XCTAssertThrowsError(try Self.adapter.decodeBalanceAnswer(wrongBranchAnswer.body))

        var first: Int? = 1
        var all: [StatementTransaction] = []
        var pages = 0
        while let begin = first, pages < 10 {
            let query = try Self.adapter.encodeTransactionQuery(account: Self.debtor(), fromDate: "2026-11-23", toDate: "2026-11-23",
                                                                token: token, queryId: "T", firstRecord: begin, pageSize: 2)
            let page = try Self.adapter.decodeTransactionPage(await bank.receiveBOC(query.bytes, profile: Self.profile,
                                                                                    sessions: sessions).body,
                                                              account: Self.debtor(), statementId: "S", firstRecord: begin)
            XCTAssertEqual(page.totalRecords, 5)
            all += page.transactions
            first = page.nextRecord
            pages += 1
        }
        XCTAssertEqual(pages, 3)
        XCTAssertEqual(all.map(\.amount.minorUnits), [100, 200, 300, 400, 500], "oldest first")
        XCTAssertEqual(all.map(\.sequence), [1, 2, 3, 4, 5])
        XCTAssertEqual(all.map(\.instructionId), transfers.map(\.instructionId))
        XCTAssertEqual(all.map(\.creditDebit), Array(repeating: .debit, count: 5))
        XCTAssertEqual(all.last?.balanceAfter?.minorUnits, balances.first?.bookedBalance.minorUnits)
        XCTAssertEqual(all.first?.counterparty.name, "深圳示例能源有限公司")
        XCTAssertEqual(all.first?.remittanceInformation, "货款")

        let payeeAccount = Self.debtor(Self.shenzhen)
        let credits = try Self.adapter.decodeTransactionPage(await bank.receiveBOC(
            try Self.adapter.encodeTransactionQuery(account: payeeAccount, fromDate: "2026-11-23", toDate: "2026-11-23",
                                                    token: token, queryId: "T2").bytes,
            profile: Self.profile, sessions: sessions).body, account: payeeAccount, statementId: "S", firstRecord: 1)
        XCTAssertEqual(credits.transactions.map(\.creditDebit), Array(repeating: .credit, count: 5))
        XCTAssertEqual(credits.transactions.first?.counterparty.name, "上海示例电子有限公司")
        XCTAssertNil(credits.transactions.first?.instructionId, "the payee does not see the payer's insid")
        XCTAssertNil(credits.nextRecord)
    }

    func testFaultsUnreadableRequestsAndMaintenance() async throws {
        let failing = try await openBank(faults: FaultSettings(seed: 5, failRate: 1))
        let sessions = BOCSessions()
        let token = try XCTUnwrapAsync(try await Self.signIn(failing, sessions: sessions).token)  // the sign-in is never failed
        let busy = await failing.receiveBOC(try Self.payment([Self.transfer("BGI-F1", minorUnits: 100)], token: token),
                                            profile: Self.profile, sessions: sessions)
        XCTAssertEqual(try BOCAnswer.read(busy.body).status.code, "B999")
        XCTAssertEqual(busy.effect, .refusedForNow)
        guard case .unknown = Self.adapter.decodePaymentAnswer(busy.body) else { return XCTFail("busy is unknown for the codec") }
        let failed = try await failing.transfers()
        XCTAssertTrue(failed.isEmpty)
        failing.close()

        let garbling = try await openBank(faults: FaultSettings(seed: 5, malformedRate: 1))
        defer { garbling.close() }
        let garblingToken = try XCTUnwrapAsync(try await Self.signIn(garbling, sessions: sessions).token)
        let garbled = await garbling.receiveBOC(try Self.payment([Self.transfer("BGI-G1", minorUnits: 100)], token: garblingToken),
                                                profile: Self.profile, sessions: sessions)
        guard case .unknown = Self.adapter.decodePaymentAnswer(garbled.body) else { return XCTFail("a cut answer is unknown") }
        let status = try Self.adapter.encodeStatusQuery(references: ["BGI-G1"], token: garblingToken, queryId: "Q")
        let settled = await garbling.receiveBOC(status.bytes, profile: Self.profile, sessions: sessions)
        XCTAssertEqual(Self.outcomes(settled)["BGI-G1"]?.status, .completed)

        for body in [Array("not xml".utf8), Array("<bocb2e><head><trncod>b2e0009</trncod></head></bocb2e>".utf8),
                     Array("<?xml version=\"1.0\" encoding=\"GB2312\"?><bocb2e/>".utf8)] {
            let answer = await garbling.receiveBOC(body, profile: Self.profile, sessions: sessions)
            XCTAssertEqual(try BOCAnswer.read(answer.body).status.code, "B010")
            guard case .unreadable = answer.effect else { return XCTFail("unreadable") }
        }
        var incomplete = try Self.payment([Self.transfer("BGI-G2", minorUnits: 100)], token: garblingToken)
        incomplete.replaceSubrange(incomplete.firstRange(of: Array("<tobknm>".utf8))!.lowerBound..<incomplete.firstRange(of: Array("</tobknm>".utf8))!.upperBound,
                                   with: [])
        let missing = await garbling.receiveBOC(incomplete, profile: Self.profile, sessions: sessions)
        XCTAssertEqual(try BOCAnswer.read(missing.body).status.code, "B010")
        XCTAssertEqual(try BOCAnswer.read(missing.body).transactionCode, "b2e0009")

        let clock = ManualClock(SimulatorTestTime.start)
        let maintained = try await openBank(faults: FaultSettings(seed: 5, maintenanceEverySeconds: 60, maintenanceDurationSeconds: 10),
                                            clock: clock)
        defer { maintained.close() }
        let down = try await Self.signIn(maintained, sessions: sessions)
        XCTAssertEqual(down.status.code, "B999")
        clock.advance(milliseconds: 15_000)
        let upToken = try XCTUnwrapAsync(try await Self.signIn(maintained, sessions: sessions).token)
        let up = await maintained.receiveBOC(try Self.payment([Self.transfer("BGI-W1", minorUnits: 100)], token: upToken),
                                             profile: Self.profile, sessions: sessions)
        XCTAssertEqual(Self.outcomes(up)["BGI-W1"]?.status, .submitted)
    }

    func testPrintConfigGivesTheGatewaysTables() throws {
        let text = try SimulatorProfiles.gatewayConfiguration(profile: "boc", listen: ListenAddress(host: "127.0.0.1", port: 9104),
                                                              dataDirectory: "var/boc")
        XCTAssertTrue(text.contains("\n# export BANKGATE_BOC_PASSWORD=\(BOCProfile.defaultPassword)\n"), text)
        let tables = try TOMLLines.parse(text)
        XCTAssertEqual(tables.map(\.name), ["banks", "accounts", "accounts"])
        XCTAssertEqual(tables[0].values, ["id": "boc-sim", "adapter": "boc", "transport": "http",
                                          "url": "http://127.0.0.1:9104/B2EP/XmlServlet", "terminal_id": BOCProfile.defaultTerminalId,
                                          "customer_id": BOCProfile.defaultCustomerId, "operator_id": BOCProfile.defaultOperatorId,
                                          "password_env": "BANKGATE_BOC_PASSWORD"])
        XCTAssertEqual(tables[1].values, ["id": "boc-sim-sh", "bank": "boc-sim", "number": Self.shanghai, "branch_number": "40600",
                                          "bank_code": "104290003791", "name": "上海示例电子有限公司", "currency": "CNY"])
        XCTAssertTrue(tables.dropFirst().allSatisfy { $0.values["bank_code"]?.hasPrefix("104") == true
            && $0.values["branch_number"]?.count == 5 })
    }
}
