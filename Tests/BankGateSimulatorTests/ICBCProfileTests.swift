import BankGateAdapters
import BankGateCore
import BankGateStatements
import BankGateTestSupport
import Foundation
import XCTest
@testable import BankGateSimulator

/// The ICBC profile, driven the way the gateway drives it: `ICBCAdapter` encodes, the simulated sign
/// port signs, `ICBCAdapter` wraps the form, the simulated encryption port answers, `ICBCAdapter`
/// unwraps and decodes.
final class ICBCProfileTests: XCTestCase {
    private static let profile = ICBCProfile()
    private static let adapter = ICBCAdapter(groupCIS: ICBCProfile.defaultGroupCIS, certificateId: ICBCProfile.defaultCertificateId)
    private static let cny = Currency(code: "CNY")!
    private static let beijing = "0200001009200012345"
    private static let shanghai = "1001234509000067890"
    private static let created = Timestamp(milliseconds: SimulatorTestTime.start)

    private func openBank(_ directory: String? = nil, faults: FaultSettings = FaultSettings(seed: 1),
                          clock: ManualClock = ManualClock(SimulatorTestTime.start)) async throws -> SimulatedBank {
        try await SimulatedBank.open(dataDirectory: directory ?? makeTemporaryDirectory(self), accounts: nil,
                                     openAccounts: Self.profile.accounts.map(\.simulatedAccount), faults: faults,
                                     profile: "icbc", clock: clock, logger: quietLogger)
    }

    private static func debtor(_ number: String = beijing, name: String = "北京示例科技有限公司") -> DebtorAccount {
        DebtorAccount(id: "acc-" + number, bankId: "icbc-sim", number: number, bankCode: ICBCProfile.bankCode,
                      name: name, currency: cny)
    }

    /// To CCB (another bank), with the fields ICBC requires for it.
    private static func otherBank(_ reference: String, minorUnits: Int64) -> CreditTransfer {
        CreditTransfer(
            paymentId: "p-" + reference, instructionId: reference, endToEndId: "E-" + reference,
            amount: Money(minorUnits: minorUnits, currency: cny),
            creditor: Party(name: "北京某某贸易有限公司", account: "11001234567890123456", bankCode: "105100000017",
                            bankName: "中国建设银行", bankBranch: "北京西城支行",
                            address: PostalAddress(street: "西城区金融大街1号", town: "北京市", country: "CN")),
            remittanceInfo: "合同HT-2026-118 货款 & 运费", details: TransferDetails(purpose: "货款", priority: .urgent, sameBank: false))
    }

    /// To the simulator's Shanghai account (same bank).
    private static func sameBank(_ reference: String, minorUnits: Int64) -> CreditTransfer {
        CreditTransfer(
            paymentId: "p-" + reference, instructionId: reference, endToEndId: "E-" + reference,
            amount: Money(minorUnits: minorUnits, currency: cny),
            creditor: Party(name: "上海示例贸易有限公司", account: shanghai, bankCode: ICBCProfile.bankCode),
            remittanceInfo: nil, details: TransferDetails(purpose: "服务费", sameBank: true))
    }

    private static func payment(_ packageId: String, _ transfers: [CreditTransfer], from debtor: DebtorAccount = debtor(),
                                adapter: ICBCAdapter = adapter) throws -> EncodedMessage {
        try adapter.encodePayment(PaymentMessage(
            messageId: packageId, paymentInfoId: "P", createdAt: created, requestedExecutionDate: "2026-11-23",
            debtor: debtor, initiatingPartyName: debtor.name, transfers: transfers))
    }

    /// What the gateway does with a message: sign it at the sign port when it must be, post the form.
    private static func send(_ message: EncodedMessage, to bank: SimulatedBank, adapter: ICBCAdapter = adapter,
                             file: StaticString = #filePath, line: UInt = #line) async throws -> BankAnswer {
        var signature: [UInt8]?
        if ICBCAdapter.needsSignature(message.bytes) {
            let request = ICBCAdapter.signRequest(message)
            let signed = bank.signICBC(request.body, contentType: request.contentType, profile: profile)
            XCTAssertEqual(signed.httpStatus, 200, file: file, line: line)
            signature = try ICBCAdapter.readSignature(signed.body)
        }
        let form = try adapter.envelope(message, sendTime: created.adding(milliseconds: 1_500), signature: signature)
        return await Self.post(form, to: bank)
    }

    /// Posts a form as the encryption port receives it.
    private static func post(_ post: ICBCFormPost, to bank: SimulatedBank) async -> BankAnswer {
        let userID = post.query.split(separator: "&").first { $0.hasPrefix("userID=") }.map { String($0.dropFirst(7)) }
        return await bank.receiveICBC(form: post.body, userID: userID, profile: profile)
    }

    private static func answer(_ answer: BankAnswer, file: StaticString = #filePath, line: UInt = #line) throws -> ICBCAnswer {
        XCTAssertEqual(answer.httpStatus, 200, file: file, line: line)
        XCTAssertTrue(answer.body.starts(with: Array("reqData=".utf8)), file: file, line: line)
        return try ICBCAnswer.read(try ICBCAdapter.unwrapAnswer(answer.body))
    }

    private static func outcomes(_ answer: BankAnswer, instructionIds: [String] = [], file: StaticString = #filePath,
                                 line: UInt = #line) -> [String: TransactionOutcome] {
        guard case .outcomes(let list) = adapter.decodePaymentAnswer(answer.body, instructionIds: instructionIds) else {
            XCTFail("not outcomes: \(adapter.decodePaymentAnswer(answer.body))", file: file, line: line)
            return [:]
        }
        return Dictionary(list.map { ($0.instructionId ?? "", $0) }, uniquingKeysWith: { first, _ in first })
    }

    private static func balance(_ bank: SimulatedBank, _ number: String) async throws -> Int64? {
        try await bank.accounts().first { $0.number == number }?.balance.minorUnits
    }

    func testPackageIsExecutedOnceAndAResendIsB0012() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let message = try Self.payment("BGM-1", [Self.otherBank("BGI-1", minorUnits: 1_234_567),
                                                 Self.sameBank("BGI-2", minorUnits: 80_000)])
        let first = try await Self.send(message, to: bank)
        let read = try Self.answer(first)
        XCTAssertEqual(read.transCode, "PAYENT")
        XCTAssertEqual(read.returnCode, "0")
        XCTAssertEqual(read.packageId, "BGM-1")
        XCTAssertEqual(read.serialNumber?.hasPrefix("SIM"), true)
        let outcomes = Self.outcomes(first)
        XCTAssertEqual(outcomes["BGI-1"]?.status, .completed)
        XCTAssertEqual(outcomes["BGI-1"]?.bankStatus, "7")
        XCTAssertEqual(outcomes["BGI-2"]?.status, .completed)
        XCTAssertEqual(read.records.compactMap { $0.child("PayAmt")?.trimmedText }, ["1234567", "80000"], "amounts in fen")

        let transfers = try await bank.transfers()
        XCTAssertEqual(transfers.map(\.endToEndId), ["BGI-1", "BGI-2"], "the ledger's end-to-end id is Ref")
        XCTAssertEqual(transfers.map(\.messageId), ["BGM-1", "BGM-1"], "the ledger's message id is fSeqno")
        XCTAssertEqual(transfers.map(\.paymentInformationId), read.serialNumber.map { [$0, $0] })
        XCTAssertEqual(transfers.map(\.amount.decimalString), ["12345.67", "800.00"])
        XCTAssertEqual(transfers[0].creditorAccount, "11001234567890123456")
        let beijingAfter = try await Self.balance(bank, Self.beijing)
        let shanghaiAfter = try await Self.balance(bank, Self.shanghai)
        XCTAssertEqual(beijingAfter, 1_000_000_000 - 1_234_567 - 80_000)
        XCTAssertEqual(shanghaiAfter, 500_000_000 + 80_000, "the on-us creditor is credited")

        // The same package again (the gateway's resend after a lost answer): B0012, nothing moves.
        let second = try await Self.send(message, to: bank)
        XCTAssertEqual(try Self.answer(second).returnCode, "B0012")
        XCTAssertEqual(try Self.answer(second).returnMessage, "指令包序列号为空或重复")
        guard case .unknown(let reason) = Self.adapter.decodePaymentAnswer(second.body) else {
            return XCTFail("B0012 must read as unknown: ask the status")
        }
        XCTAssertTrue(reason.contains("B0012"), reason)
        // Even with other records in it: a package id counts once.
        let changed = try await Self.send(try Self.payment("BGM-1", [Self.sameBank("BGI-3", minorUnits: 100)]), to: bank)
        XCTAssertEqual(try Self.answer(changed).returnCode, "B0012")
        let ledgerAfter = try await bank.transfers()
        let beijingAfterResend = try await Self.balance(bank, Self.beijing)
        XCTAssertEqual(ledgerAfter.map(\.endToEndId), ["BGI-1", "BGI-2"], "nothing executed twice")
        XCTAssertEqual(beijingAfterResend, beijingAfter)
    }

    func testLedgerRefusalsAreResult6WithReasons() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let answer = try await Self.send(try Self.payment("BGM-R", [Self.otherBank("BIG", minorUnits: 2_000_000_000),
                                                                    Self.sameBank("OK", minorUnits: 100)]), to: bank)
        let outcomes = Self.outcomes(answer)
        XCTAssertEqual(outcomes["BIG"]?.status, .rejected)
        XCTAssertEqual(outcomes["BIG"]?.bankStatus, "6")
        XCTAssertEqual(outcomes["BIG"]?.reasonCode, "SIMAM04")
        XCTAssertEqual(outcomes["BIG"]?.reasonText, "余额不足")
        XCTAssertEqual(outcomes["OK"]?.status, .completed, "a refused record does not stop the next")
        // The Shanghai account paid from under another holder's name.
        let wrongName = try await Self.send(try Self.payment("BGM-N", [Self.otherBank("NAME", minorUnits: 100)],
                                                             from: Self.debtor(Self.shanghai, name: "别人的公司")), to: bank)
        XCTAssertEqual(Self.outcomes(wrongName)["NAME"]?.reasonCode, "SIMAC01")
        let executed = try await bank.transfers().map(\.endToEndId)
        XCTAssertEqual(executed, ["OK"])
    }

    func testABadSignatureIsRefusedAndNothingIsExecuted() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let message = try Self.payment("BGM-S", [Self.otherBank("SIG-1", minorUnits: 5_000)])
        let request = ICBCAdapter.signRequest(message)
        let signature = try ICBCAdapter.readSignature(bank.signICBC(request.body, contentType: request.contentType,
                                                                    profile: Self.profile).body)
        // The signed document changed afterwards: 5000 fen → 9000 fen, the MAC left as it was.
        var package = Array(try XCTUnwrap(Data(base64Encoded: String(decoding: signature, as: UTF8.self))))
        let amount = try XCTUnwrap(package.firstRange(of: Array("<PayAmt>5000<".utf8)))
        package[amount.lowerBound + 8] = UInt8(ascii: "9")
        let tampered = Array(Data(package).base64EncodedString().utf8)
        // Signed by someone else (another key).
        let foreign = ICBCSignedPackage.sign(message.bytes, key: Array("another key".utf8))
        let cases: [(String, [UInt8], String)] = [
            ("tampered", tampered, "签名验证失败"), ("other key", foreign, "签名验证失败"),
            ("not a package", Array("QUJDRA==".utf8), "签名数据格式错误"), ("unsigned", message.bytes, "指令未签名"),
        ]
        for (name, reqData, text) in cases {
            let post = Self.adapter.envelope(reqData: reqData, transCode: "PAYENT", packageId: "BGM-S", sendTime: Self.created)
            let answer = await Self.post(post, to: bank)
            let read = try Self.answer(answer)
            XCTAssertEqual(read.returnCode, "SIMSIGN", name)
            XCTAssertEqual(read.returnMessage, text, name)
            guard case .unknown = Self.adapter.decodePaymentAnswer(answer.body) else { return XCTFail("\(name): unknown expected") }
        }
        let ledger = try await bank.transfers()
        XCTAssertTrue(ledger.isEmpty, "a refused signature executes nothing")
        // Nor is the package id taken: QPAYENT has no record, and the properly signed package still goes through.
        let status = try await Self.send(try Self.adapter.encodeStatusQuery(packageId: "BGM-S", queryId: "Q-S", createdAt: Self.created),
                                         to: bank)
        XCTAssertEqual(try Self.answer(status).returnCode, "B0116")
        let proper = try await Self.send(message, to: bank)
        XCTAssertEqual(Self.outcomes(proper)["SIG-1"]?.status, .completed)
        let afterwards = try await bank.transfers()
        XCTAssertEqual(afterwards.map(\.amount.minorUnits), [5_000])
    }

    func testQPAYENTFindsAPackageWhoseAnswerWasDroppedAndB0116ForAnUnknownOne() async throws {
        let bank = try await openBank(faults: FaultSettings(seed: 3, dropAfterExecuteRate: 1))
        defer { bank.close() }
        let dropped = try await Self.send(try Self.payment("BGM-D", [Self.otherBank("DROP-1", minorUnits: 5_000),
                                                                     Self.otherBank("DROP-2", minorUnits: 2_000_000_000)]), to: bank)
        XCTAssertEqual(dropped.delivery, .dropConnection)
        let ledger = try await bank.transfers()
        XCTAssertEqual(ledger.map(\.endToEndId), ["DROP-1"], "executed and committed before the drop")

        let query = try Self.adapter.encodeStatusQuery(packageId: "BGM-D", queryId: "Q-1", createdAt: Self.created)
        let answer = try await Self.send(query, to: bank)
        XCTAssertEqual(answer.delivery, .respond, "queries are never dropped")
        let outcomes = Self.outcomes(answer, instructionIds: ["DROP-1", "DROP-2"])
        XCTAssertEqual(outcomes["DROP-1"]?.status, .completed)
        XCTAssertEqual(outcomes["DROP-2"]?.status, .rejected)
        XCTAssertEqual(outcomes["DROP-2"]?.reasonCode, "SIMAM04")
        let read = try Self.answer(answer)
        XCTAssertEqual(read.transCode, "QPAYENT")
        XCTAssertEqual(read.packageId, "Q-1")
        XCTAssertEqual(read.out?.child("QryfSeqno")?.trimmedText, "BGM-D")
        XCTAssertEqual(read.out?.child("QrySerialNo")?.trimmedText, ledger[0].paymentInformationId)
        XCTAssertEqual(read.records.first?.child("RecAccNameCN")?.trimmedText, "北京某某贸易有限公司")

        let never = try await Self.send(try Self.adapter.encodeStatusQuery(packageId: "NEVER", queryId: "Q-2", createdAt: Self.created),
                                        to: bank)
        let empty = try Self.answer(never)
        XCTAssertEqual(empty.returnCode, "B0116")
        XCTAssertEqual(empty.returnMessage, "没有符合条件的记录")
        XCTAssertTrue(empty.records.isEmpty)
    }

    func testBalancesAndPagedTransactionsMatchTheLedger() async throws {
        let clock = ManualClock(SimulatorTestTime.start)
        let bank = try await openBank(clock: clock)
        defer { bank.close() }
        let paging = ICBCProfile(transactionsPerPage: 2)
        _ = try await Self.send(try Self.payment("BGM-T1", [Self.otherBank("T-1", minorUnits: 1_234_567),
                                                            Self.sameBank("T-2", minorUnits: 80_000)]), to: bank)
        clock.advance(milliseconds: 60_000)
        _ = try await Self.send(try Self.payment("BGM-T2", [Self.sameBank("T-3", minorUnits: 300)]), to: bank)

        let balances = try Self.adapter.decodeBalanceAnswer(
            try await Self.send(try Self.adapter.encodeBalanceQuery(account: Self.debtor(), queryId: "B", createdAt: Self.created),
                                to: bank).body)
        let ledgerBalance = try await Self.balance(bank, Self.beijing)
        XCTAssertEqual(balances.map(\.account), [Self.beijing])
        XCTAssertEqual(balances.first?.balance.minorUnits, ledgerBalance)
        XCTAssertEqual(balances.first?.availableBalance.minorUnits, ledgerBalance)
        XCTAssertEqual(balances.first?.previousDayBalance.minorUnits, 1_000_000_000, "today's payments are after yesterday's close")
        XCTAssertEqual(balances.first?.frozenAmount?.minorUnits, 0)

        // Three debits, two per page.
        var pages: [ICBCTransactionPage] = []
        var nextTag: String?
        repeat {
            let query = try Self.adapter.encodeTransactionQuery(account: Self.debtor(), fromDate: "2026-11-23", toDate: "2026-11-23",
                                                                queryId: "H\(pages.count)", createdAt: Self.created, nextTag: nextTag)
            let body = await bank.receiveICBC(form: try Self.adapter.envelope(query, sendTime: Self.created).body,
                                              userID: nil, profile: paging).body
            let page = try Self.adapter.decodeTransactionPage(body, account: Self.debtor(), statementId: "H",
                                                              firstSequence: pages.flatMap(\.transactions).count + 1)
            pages.append(page)
            nextTag = page.nextTag
        } while nextTag != nil && pages.count < 5
        XCTAssertEqual(pages.map(\.transactions.count), [2, 1])
        let transactions = pages.flatMap(\.transactions)
        XCTAssertEqual(transactions.map(\.instructionId), ["T-1", "T-2", "T-3"])
        XCTAssertEqual(transactions.map(\.sequence), [1, 2, 3])
        XCTAssertEqual(transactions.map(\.creditDebit), [.debit, .debit, .debit])
        XCTAssertEqual(transactions.map(\.amount.minorUnits), [1_234_567, 80_000, 300])
        XCTAssertEqual(transactions.map(\.bookingDate), ["2026-11-23", "2026-11-23", "2026-11-23"], "booked on China's date")
        XCTAssertEqual(transactions.map { $0.balanceAfter?.minorUnits },
                       [1_000_000_000 - 1_234_567, 1_000_000_000 - 1_234_567 - 80_000, ledgerBalance])
        XCTAssertEqual(transactions.first?.counterparty.name, "北京某某贸易有限公司")
        XCTAssertEqual(transactions.first?.counterparty.bankCode, "105100000017")
        XCTAssertEqual(transactions.first?.remittanceInformation, "合同HT-2026-118 货款 & 运费")
        XCTAssertEqual(Set(transactions.compactMap(\.bankReference)).count, 3, "a bank reference each")

        // The payee's side, with the default page size: two credits, no Ref, no NextTag.
        let shanghai = Self.debtor(Self.shanghai, name: "上海示例贸易有限公司")
        let credits = try Self.adapter.decodeTransactionPage(try await Self.send(
            try Self.adapter.encodeTransactionQuery(account: shanghai, fromDate: "2026-11-22", toDate: "2026-11-23", queryId: "S",
                                                    createdAt: Self.created), to: bank).body, account: shanghai, statementId: "S")
        XCTAssertNil(credits.nextTag)
        XCTAssertEqual(credits.transactions.map(\.creditDebit), [.credit, .credit])
        let shanghaiBalance = try await Self.balance(bank, Self.shanghai)
        XCTAssertEqual(credits.transactions.last?.balanceAfter?.minorUnits, shanghaiBalance)
        XCTAssertEqual(credits.transactions.first?.counterparty.name, "北京示例科技有限公司")
        XCTAssertNil(credits.transactions.first?.instructionId, "the payee does not see the payer's Ref")

        // A day later the previous day's balance is the ledger's, and an earlier range is empty.
        clock.advance(milliseconds: 86_400_000)
        let tomorrow = try Self.adapter.decodeBalanceAnswer(
            try await Self.send(try Self.adapter.encodeBalanceQuery(account: Self.debtor(), queryId: "B2", createdAt: Self.created),
                                to: bank).body)
        XCTAssertEqual(tomorrow.first?.previousDayBalance.minorUnits, ledgerBalance)
        let before = try Self.adapter.decodeTransactionPage(try await Self.send(
            try Self.adapter.encodeTransactionQuery(account: Self.debtor(), fromDate: "2026-11-01", toDate: "2026-11-22", queryId: "E",
                                                    createdAt: Self.created), to: bank).body, account: Self.debtor(), statementId: "E")
        XCTAssertTrue(before.transactions.isEmpty)
        XCTAssertNil(before.nextTag)

        // An account the bank does not hold.
        let unknown = Self.debtor("999900001111", name: "无")
        let refused = try await Self.send(try Self.adapter.encodeBalanceQuery(account: unknown, queryId: "U", createdAt: Self.created),
                                          to: bank)
        XCTAssertThrowsError(try Self.adapter.decodeBalanceAnswer(refused.body))
        XCTAssertEqual(try Self.answer(refused).records.first?.child("iRetCode")?.trimmedText, "SIMAC01")
    }

    func testAnotherGroupOrCertificateIsRefused() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        for stranger in [ICBCAdapter(groupCIS: "020090009999999", certificateId: ICBCProfile.defaultCertificateId),
                         ICBCAdapter(groupCIS: ICBCProfile.defaultGroupCIS, certificateId: "someone.y.0200")] {
            let answer = try await Self.send(try Self.payment("BGM-C", [Self.otherBank("C-1", minorUnits: 100)], adapter: stranger),
                                             to: bank, adapter: stranger)
            XCTAssertEqual(try Self.answer(answer).returnCode, "SIMCERT")
            XCTAssertEqual(answer.effect, .refusedForNow)
        }
        let ledger = try await bank.transfers()
        XCTAssertTrue(ledger.isEmpty)
    }

    func testFaultsTakeICBCsForms() async throws {
        let failing = try await openBank(faults: FaultSettings(seed: 5, failRate: 1))
        let busy = try await Self.send(try Self.payment("BGM-F", [Self.otherBank("F-1", minorUnits: 100)]), to: failing)
        XCTAssertEqual(try Self.answer(busy).returnCode, "SIMBUSY")
        XCTAssertEqual(busy.effect, .refusedForNow)
        let failed = try await failing.transfers()
        XCTAssertTrue(failed.isEmpty, "refused before executing")
        let status = try await Self.send(try Self.adapter.encodeStatusQuery(packageId: "BGM-F", queryId: "Q", createdAt: Self.created),
                                         to: failing)
        XCTAssertEqual(try Self.answer(status).returnCode, "B0116", "queries are never failed; the busy package was not received")
        failing.close()

        let garbling = try await openBank(faults: FaultSettings(seed: 5, malformedRate: 1))
        defer { garbling.close() }
        let garbled = try await Self.send(try Self.payment("BGM-G", [Self.otherBank("G-1", minorUnits: 100)]), to: garbling)
        XCTAssertNoThrow(try ICBCAdapter.unwrapAnswer(garbled.body), "the NC's wrapping is intact, the document is not")
        guard case .unknown = Self.adapter.decodePaymentAnswer(garbled.body) else { return XCTFail("a cut answer is unknown") }
        let settled = try await Self.send(try Self.adapter.encodeStatusQuery(packageId: "BGM-G", queryId: "Q", createdAt: Self.created),
                                          to: garbling)
        XCTAssertEqual(Self.outcomes(settled)["G-1"]?.status, .completed)

        let clock = ManualClock(SimulatorTestTime.start)
        let maintained = try await openBank(faults: FaultSettings(seed: 5, maintenanceEverySeconds: 60, maintenanceDurationSeconds: 10),
                                            clock: clock)
        defer { maintained.close() }
        let message = try Self.payment("BGM-W", [Self.otherBank("W-1", minorUnits: 100)])
        let down = try await Self.send(message, to: maintained)
        XCTAssertEqual(try Self.answer(down).returnCode, "SIMMAINT")
        clock.advance(milliseconds: 15_000)
        let up = try await Self.send(message, to: maintained)
        XCTAssertEqual(Self.outcomes(up)["W-1"]?.status, .completed)
    }

    func testUnreadableRequestsAreFormatErrors() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let query = try Self.adapter.encodeBalanceQuery(account: Self.debtor(), queryId: "B", createdAt: Self.created)
        let text = try ChineseTextEncoding.gbk.decode(query.bytes, field: "t")
        let cut = Array(query.bytes.prefix(query.bytes.count / 2))
        let otherPackage = try ChineseTextEncoding.gbk.encode(text.replacingOccurrences(of: "<fSeqno>B</fSeqno>",
                                                                                         with: "<fSeqno>X</fSeqno>"), field: "t")
        for (name, reqData) in [("cut", cut), ("pub not the form's", otherPackage), ("bad GBK", [0x3C, 0x81, 0x20, 0x3E])] {
            let post = Self.adapter.envelope(reqData: reqData, transCode: "QACCBAL", packageId: "B", sendTime: Self.created)
            let answer = await Self.post(post, to: bank)
            XCTAssertEqual(try Self.answer(answer).returnCode, "SIMFMT", name)
        }
        let junk = await bank.receiveICBC(form: Array("not a form".utf8), userID: nil, profile: Self.profile)
        XCTAssertEqual(try Self.answer(junk).returnCode, "SIMFMT")
        let unsupported = try Self.adapter.encodeReceiptBatchQuery(
            keys: [try XCTUnwrap(ICBCReceiptKey(toutfo: "0200|0600|99999|000001", date: "2026-11-23"))],
            account: Self.debtor(), queryId: "R", createdAt: Self.created)
        let notOffered = try await Self.send(unsupported, to: bank)
        XCTAssertEqual(try Self.answer(notOffered).returnCode, "SIMTRANS")
        // The sign port signs request documents only.
        let notSigned = bank.signICBC(Array("hello".utf8), contentType: ICBCAdapter.signContentType, profile: Self.profile)
        XCTAssertThrowsError(try ICBCAdapter.readSignature(notSigned.body))
        let wrongType = bank.signICBC(query.bytes, contentType: "text/xml", profile: Self.profile)
        XCTAssertThrowsError(try ICBCAdapter.readSignature(wrongType.body))
    }

    func testPrintConfigGivesTheGatewaysTables() throws {
        let text = try SimulatorProfiles.gatewayConfiguration(profile: "icbc", listen: ListenAddress(host: "127.0.0.1", port: 9103),
                                                              dataDirectory: "var/icbc")
        let tables = try TOMLLines.parse(text)
        XCTAssertEqual(tables.map(\.name), ["banks", "accounts", "accounts"])
        XCTAssertEqual(tables[0].values, [
            "id": "icbc-sim", "adapter": "icbc", "transport": "http",
            "url": "http://127.0.0.1:9103/servlet/ICBCCMPAPIReqServlet", "group_cis": ICBCProfile.defaultGroupCIS,
            "certificate_id": ICBCProfile.defaultCertificateId, "sign_url": "http://127.0.0.1:9103/sign",
        ])
        XCTAssertEqual(tables[1].values, ["id": "icbc-sim-bj", "bank": "icbc-sim", "number": Self.beijing,
                                          "bank_code": "102100099996", "name": "北京示例科技有限公司", "currency": "CNY"])
        XCTAssertEqual(tables[2].values["name"], "上海示例贸易有限公司")
        XCTAssertTrue(tables.dropFirst().allSatisfy { $0.values["bank_code"]?.hasPrefix("102") == true })
        XCTAssertEqual(SimulatorProfiles.names, ["iso20022", "hsbc", "bochk", "cmb", "cmb-cloud", "icbc", "ccb", "boc", "abc"])
    }
}
