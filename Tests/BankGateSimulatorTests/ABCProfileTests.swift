import BankGateAdapters
import BankGateCore
import XCTest
@testable import BankGateSimulator
import BankGateTestSupport

/// The ABC profile, driven the way the gateway drives it: `ABCAdapter` encodes (framed GBK), the
/// simulator answers, `ABCAdapter` decodes.
final class ABCProfileTests: XCTestCase {
    private static let profile = ABCProfile()
    private static let beijing = "110101040012345"
    private static let shanghai = "033901040067890"
    private static let adapter = ABCAdapter(corporateNumber: ABCProfile.defaultCorporateNumber,
                                            operatorNumber: ABCProfile.defaultOperatorNumber,
                                            provinceCodes: [beijing: "11", shanghai: "03"])
    private static let cny = Currency(code: "CNY")!

    private func openBank(faults: FaultSettings = FaultSettings(seed: 1)) async throws -> SimulatedBank {
        try await SimulatedBank.open(dataDirectory: makeTemporaryDirectory(self), accounts: nil,
                                     openAccounts: Self.profile.accounts.map(\.simulatedAccount), faults: faults,
                                     profile: "abc", clock: ManualClock(SimulatorTestTime.start), logger: quietLogger)
    }

    static func debtor(_ number: String = beijing) -> DebtorAccount {
        DebtorAccount(id: "acc-" + number, bankId: "abc-sim", number: number, bankCode: ABCProfile.bankCode,
                      name: "北京示例科技有限公司", currency: cny)
    }

    /// To ICBC (another bank): `CFRT02` with `OthBankFlag=1`.
    static func payment(_ reference: String, minorUnits: Int64, adapter: ABCAdapter = adapter) throws -> [UInt8] {
        let transfer = CreditTransfer(
            paymentId: "p-" + reference, instructionId: reference, endToEndId: "E-" + reference,
            amount: Money(minorUnits: minorUnits, currency: cny),
            creditor: Party(name: "上海某某贸易有限公司", account: "31001234567890123", bankCode: "102290000011",
                            bankName: "中国工商银行", bankBranch: "上海市分行营业部"),
            remittanceInfo: "合同HT-2026-118", details: TransferDetails(purpose: "货款", priority: .urgent, sameBank: false))
        return try adapter.encodePayment(PaymentMessage(
            messageId: "BGM-" + reference, paymentInfoId: "P", createdAt: Timestamp(milliseconds: SimulatorTestTime.start),
            requestedExecutionDate: "2026-11-23", debtor: debtor(), initiatingPartyName: "北京示例科技有限公司",
            transfers: [transfer])).bytes
    }

    static func statusQuery(_ reference: String, account: String = beijing) throws -> [UInt8] {
        try adapter.encodeStatusQuery(reference: reference, account: debtor(account), queryId: "BGQ" + reference.suffix(10),
                                      requestedAt: Timestamp(milliseconds: SimulatorTestTime.start)).bytes
    }

    /// The one outcome a payment or `CQRT04` answer gives for `reference`, failing on anything else.
    private static func outcome(_ answer: BankAnswer, _ reference: String, file: StaticString = #filePath,
                                line: UInt = #line) -> TransactionOutcome? {
        guard case .outcomes(let list) = adapter.decodePaymentAnswer(answer.body, reference: reference), list.count == 1 else {
            XCTFail("not one outcome: \(adapter.decodePaymentAnswer(answer.body, reference: reference))", file: file, line: line)
            return nil
        }
        return list[0]
    }

    private static func balance(_ bank: SimulatedBank, _ number: String = beijing) async throws -> Int64? {
        try await bank.accounts().first { $0.number == number }?.balance.minorUnits
    }

    // MARK: - Frames

    func testTheRequestLengthComesFromTheHeaderAndAnswersAreFramedTheSameWay() async throws {
        XCTAssertNil(try ABCBankCodec.requestLength(Array("1953 ".utf8)), "a header not yet whole")
        XCTAssertEqual(try ABCBankCodec.requestLength(Array("1953   <ap>".utf8)), 960)
        XCTAssertEqual(try ABCBankCodec.requestLength(Array("0123456".utf8)), 7 + 123_456)
        for broken in ["x953   ", "19 53  ", "1      ", "10     ", "1-12   "] {
            XCTAssertThrowsError(try ABCBankCodec.requestLength(Array(broken.utf8)), broken)
        }
        let request = try Self.payment("BGIFRAME1", minorUnits: 100)
        XCTAssertEqual(try ABCBankCodec.requestLength(request), request.count, "the gateway's frame announces its body")

        let bank = try await openBank()
        defer { bank.close() }
        let answer = await bank.receiveABC(request, profile: Self.profile)
        let header = String(decoding: answer.body.prefix(7), as: UTF8.self)
        XCTAssertEqual(header.first, "0", "answers carry the samples' flag 0")
        XCTAssertEqual(Int(header.dropFirst().trimmingCharacters(in: .whitespaces)), answer.body.count - 7, header)
        XCTAssertEqual(try ABCAdapter.unframe(answer.body).count, answer.body.count - 7)
        let read = try ABCAnswer.read(answer.body)
        XCTAssertEqual(read.transactionCode, "CFRT02")
        XCTAssertEqual(read.requestId, "BGIFRAME1")
        XCTAssertEqual(read.responseCode, "0000")
    }

    func testAnUnreadableRequestIsAFormatErrorAndExecutesNothing() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let request = try Self.payment("BGIBROKEN1", minorUnits: 100)
        var cut = Array(request.prefix(request.count - 5))
        cut.replaceSubrange(1..<7, with: Array(String(cut.count - 7).padding(toLength: 6, withPad: " ", startingAt: 0).utf8))
        for bytes in [cut, ABCBankCodec.frame(Array("<ap><CCTransCode>CFRT02</CCTransCode></ap>".utf8)),
                      ABCBankCodec.frame(Array("<other/>".utf8))] {
            let answer = await bank.receiveABC(bytes, profile: Self.profile)
            XCTAssertEqual(try ABCAnswer.read(answer.body).responseCode, ABCCodesOfSimulator.formatError)
            guard case .unknown = Self.adapter.decodePaymentAnswer(answer.body, reference: "BGIBROKEN1") else {
                return XCTFail("a format error proves nothing to the gateway")
            }
        }
        let transfers = try await bank.transfers()
        XCTAssertEqual(transfers.count, 0)
    }

    // MARK: - Payments

    func testAPaymentIsExecutedOnceAndAResentReqSeqNoIsADuplicate() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let request = try Self.payment("BGIPAY1", minorUnits: 1_234_567)
        let first = await bank.receiveABC(request, profile: Self.profile)
        let outcome = try XCTUnwrap(Self.outcome(first, "BGIPAY1"))
        XCTAssertEqual(outcome.status, .completed)
        XCTAssertEqual(outcome.instructionId, "BGIPAY1")
        let answered = try ABCAnswer.read(first.body)
        XCTAssertEqual(answered.value("Corp", "WaitFlag"), "0")
        XCTAssertEqual(answered.responseSequenceNumber?.count, 12)

        let ledger = try await bank.transfers()
        XCTAssertEqual(ledger.count, 1)
        XCTAssertEqual(ledger.first?.endToEndId, "BGIPAY1", "the ledger's end_to_end_id is the ReqSeqNo")
        XCTAssertEqual(ledger.first?.amount.decimalString, "12345.67")
        XCTAssertEqual(ledger.first?.creditorAccount, "31001234567890123")
        let afterFirst = try await Self.balance(bank)
        XCTAssertEqual(afterFirst, 1_000_000_000 - 1_234_567)

        let again = await bank.receiveABC(request, profile: Self.profile)
        let duplicate = try ABCAnswer.read(again.body)
        XCTAssertEqual(duplicate.responseCode, ABCCodesOfSimulator.duplicate)
        XCTAssertEqual(duplicate.requestId, "BGIPAY1")
        guard case .unknown = Self.adapter.decodePaymentAnswer(again.body, reference: "BGIPAY1") else {
            return XCTFail("the adapter's table does not know the duplicate code: unknown, asked by CQRT04")
        }
        let ledgerAgain = try await bank.transfers()
        XCTAssertEqual(ledgerAgain.count, 1, "a resent ReqSeqNo is not executed twice")
        let afterAgain = try await Self.balance(bank)
        XCTAssertEqual(afterAgain, afterFirst)
    }

    func testAnOwnAccountTransferIsCFRT01AndCreditsTheOtherAccount() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let transfer = CreditTransfer(
            paymentId: "p-own", instructionId: "BGIOWN1", endToEndId: "E-own", amount: Money(minorUnits: 50_000, currency: Self.cny),
            creditor: Party(name: "上海示例实业有限公司", account: Self.shanghai, bankCode: ABCProfile.bankCode),
            remittanceInfo: nil, details: TransferDetails(purpose: "调拨", sameBank: true))
        let encoded = try Self.adapter.encodePayment(PaymentMessage(
            messageId: "BGM-own", paymentInfoId: "P", createdAt: Timestamp(milliseconds: SimulatorTestTime.start),
            requestedExecutionDate: "2026-11-23", debtor: Self.debtor(), initiatingPartyName: "北京示例科技有限公司",
            transfers: [transfer]))
        XCTAssertEqual(encoded.kind, "ABC.CFRT01")
        let answer = await bank.receiveABC(encoded.bytes, profile: Self.profile)
        XCTAssertEqual(Self.outcome(answer, "BGIOWN1")?.status, .completed)
        let credited = try await Self.balance(bank, Self.shanghai)
        XCTAssertEqual(credited, 500_000_000 + 50_000)
    }

    func testALedgerRefusalIsUnknownAtFirstAndRejectedByCQRT04() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let answer = await bank.receiveABC(try Self.payment("BGIPOOR1", minorUnits: 2_000_000_000), profile: Self.profile)
        XCTAssertEqual(try ABCAnswer.read(answer.body).responseCode, "SIMAM04")
        guard case .unknown = Self.adapter.decodePaymentAnswer(answer.body, reference: "BGIPOOR1") else {
            return XCTFail("ABC's refusal codes are not public: unknown")
        }
        let status = await bank.receiveABC(try Self.statusQuery("BGIPOOR1"), profile: Self.profile)
        let outcome = try XCTUnwrap(Self.outcome(status, "BGIPOOR1"))
        XCTAssertEqual(outcome.status, .rejected)
        XCTAssertEqual(outcome.reasonCode, "0389")
        XCTAssertEqual(outcome.reasonText, "余额不足")
        let transfers = try await bank.transfers()
        XCTAssertEqual(transfers.count, 0)
    }

    func testAnUnknownDebtorProvinceOrLoginIsRefusedWith2003() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let wrongProvince = ABCAdapter(corporateNumber: ABCProfile.defaultCorporateNumber,
                                       operatorNumber: ABCProfile.defaultOperatorNumber, provinceCodes: [Self.beijing: "41"])
        let refused = await bank.receiveABC(try Self.payment("BGIPROV1", minorUnits: 100, adapter: wrongProvince),
                                            profile: Self.profile)
        XCTAssertEqual(Self.outcome(refused, "BGIPROV1")?.status, .rejected)
        let stranger = ABCAdapter(corporateNumber: "9999999999999999", operatorNumber: ABCProfile.defaultOperatorNumber,
                                  provinceCodes: [Self.beijing: "11"])
        let notLoggedIn = await bank.receiveABC(try Self.payment("BGILOGIN1", minorUnits: 100, adapter: stranger),
                                                profile: Self.profile)
        XCTAssertEqual(try ABCAnswer.read(notLoggedIn.body).responseCode, "2003")
        XCTAssertEqual(Self.outcome(notLoggedIn, "BGILOGIN1")?.status, .rejected)
        let transfers = try await bank.transfers()
        XCTAssertEqual(transfers.count, 0)
    }

    // MARK: - CQRT04

    func testCQRT04AnswersTheResultAndNeverReceivedIsUnknown() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        _ = await bank.receiveABC(try Self.payment("BGISTAT1", minorUnits: 10_000), profile: Self.profile)

        let known = await bank.receiveABC(try Self.statusQuery("BGISTAT1"), profile: Self.profile)
        let read = try ABCAnswer.read(known.body)
        XCTAssertEqual(read.transactionCode, "CQRT04")
        XCTAssertEqual(read.value("Cmp", "CmeSeqNo"), "BGISTAT1")
        XCTAssertEqual(read.value("Cmp", "RespPrvData")?.count, 26)
        XCTAssertEqual(Self.outcome(known, "BGISTAT1")?.status, .completed)

        // Never received, or asked under another account: no public code says so; the adapter reads unknown.
        for (reference, account) in [("BGINEVER1", Self.beijing), ("BGISTAT1", Self.shanghai)] {
            let answer = await bank.receiveABC(try Self.statusQuery(reference, account: account), profile: Self.profile)
            XCTAssertEqual(try ABCAnswer.read(answer.body).responseCode, "0000")
            let outcome = try XCTUnwrap(Self.outcome(answer, reference))
            XCTAssertEqual(outcome.status, .unknown, "\(reference) under \(account)")
            XCTAssertEqual(outcome.reasonCode, ABCCodesOfSimulator.hostNotFound)
            XCTAssertEqual(outcome.reasonText, "无此交易")
        }
        // The gateway's reading through the contract: a report, never "not received".
        let query = StatusQuery(originalMessageId: "BGM-BGINEVER1", originalKind: "ABC.CFRT02", queryId: "BGQNEVER1",
                                createdAt: Timestamp(milliseconds: SimulatorTestTime.start),
                                firstSentAt: Timestamp(milliseconds: SimulatorTestTime.start), debtor: Self.debtor(),
                                transfers: [SentTransfer(instructionId: "BGINEVER1", endToEndId: "E-BGINEVER1")])
        let never = await bank.receiveABC(try Self.adapter.encodeStatusQuery(query).bytes, profile: Self.profile)
        guard case .report(let report) = Self.adapter.interpretStatusQueryAnswer(httpStatus: 200, body: never.body, query: query) else {
            return XCTFail("a readable CQRT04 answer is a report")
        }
        XCTAssertEqual(report.transactions.first?.status, .unknown)
    }

    // MARK: - CQRA06

    func testCQRA06AnswersTheLedgerBalance() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        _ = await bank.receiveABC(try Self.payment("BGIBAL1", minorUnits: 25_000), profile: Self.profile)
        let request = try Self.adapter.encodeBalanceQuery(account: Self.debtor(), queryId: "BGQBAL1",
                                                          requestedAt: Timestamp(milliseconds: SimulatorTestTime.start))
        let answer = await bank.receiveABC(request.bytes, profile: Self.profile)
        let balance = try Self.adapter.decodeBalanceAnswer(answer.body, account: Self.debtor())
        XCTAssertEqual(balance.account, Self.beijing)
        XCTAssertEqual(balance.name, "北京示例科技有限公司")
        XCTAssertEqual(balance.balance.minorUnits, 1_000_000_000 - 25_000)
        XCTAssertEqual(balance.availableBalance?.minorUnits, 1_000_000_000 - 25_000)
        XCTAssertEqual(balance.status, "0")

        let unknown = DebtorAccount(id: "x", bankId: "abc-sim", number: "999901040000001", bankCode: ABCProfile.bankCode,
                                    name: "x", currency: Self.cny)
        let elsewhere = ABCAdapter(corporateNumber: ABCProfile.defaultCorporateNumber, operatorNumber: ABCProfile.defaultOperatorNumber,
                                   provinceCodes: ["999901040000001": "11"])
        let refused = await bank.receiveABC(try elsewhere.encodeBalanceQuery(
            account: unknown, queryId: "BGQBAL2", requestedAt: Timestamp(milliseconds: SimulatorTestTime.start)).bytes,
            profile: Self.profile)
        XCTAssertThrowsError(try elsewhere.decodeBalanceAnswer(refused.body, account: unknown)) { error in
            XCTAssertTrue("\(error)".contains("2003"), "\(error)")
        }
    }

    // MARK: - Faults

    func testTheFaultsRefuseBeforeOrAfterExecuting() async throws {
        let failing = try await openBank(faults: FaultSettings(seed: 3, failRate: 1))
        let refused = await failing.receiveABC(try Self.payment("BGIFAIL1", minorUnits: 100), profile: Self.profile)
        XCTAssertEqual(try ABCAnswer.read(refused.body).responseCode, "9999")
        guard case .unknown = Self.adapter.disposition(answer: refused.body, reference: "BGIFAIL1") else {
            return XCTFail("9999 is unknown: the gateway asks CQRT04")
        }
        let none = try await failing.transfers()
        XCTAssertEqual(none.count, 0, "refused before executing")
        let status = await failing.receiveABC(try Self.statusQuery("BGIFAIL1"), profile: Self.profile)
        XCTAssertEqual(Self.outcome(status, "BGIFAIL1")?.reasonCode, ABCCodesOfSimulator.hostNotFound)
        failing.close()

        let dropping = try await openBank(faults: FaultSettings(seed: 3, dropAfterExecuteRate: 1))
        let dropped = await dropping.receiveABC(try Self.payment("BGIDROP1", minorUnits: 100), profile: Self.profile)
        XCTAssertEqual(dropped.delivery, .dropConnection)
        let executed = try await dropping.transfers()
        XCTAssertEqual(executed.count, 1, "executed, then the connection is closed without an answer")
        dropping.close()

        let garbling = try await openBank(faults: FaultSettings(seed: 3, malformedRate: 1))
        let garbled = await garbling.receiveABC(try Self.payment("BGIBAD1", minorUnits: 100), profile: Self.profile)
        XCTAssertNoThrow(try ABCAdapter.unframe(garbled.body), "the frame stays consistent")
        guard case .unknown = Self.adapter.disposition(answer: garbled.body, reference: "BGIBAD1") else {
            return XCTFail("a broken answer is unknown")
        }
        let booked = try await garbling.transfers()
        XCTAssertEqual(booked.count, 1)
        garbling.close()
    }

    // MARK: - Configuration

    func testPrintConfigNamesTheTCPAddressAndTheProvinceCodes() throws {
        let text = try SimulatorProfiles.gatewayConfiguration(
            profile: "abc", listen: ListenAddress(host: "127.0.0.1", port: 9109),
            tcpListen: ListenAddress(host: "127.0.0.1", port: 9108), dataDirectory: "var/abc-sim")
        XCTAssertTrue(text.hasPrefix("# For a gateway reaching `bankgate bank-sim --profile abc --listen 127.0.0.1:9109 --tcp-listen 127.0.0.1:9108"), text)
        for line in ["adapter = \"abc\"", "transport = \"tcp\"", "address = \"127.0.0.1:9108\"",
                     "corporate_no = \"1101020304050607\"", "operator_no = \"0001\"", "id = \"abc-sim-bj\"",
                     "province_code = \"11\"", "province_code = \"03\"", "currency = \"CNY\""] {
            XCTAssertTrue(text.contains(line), "\(line) in\n\(text)")
        }
        XCTAssertFalse(text.contains("url = "), text)
        XCTAssertThrowsError(try SimulatorProfiles.gatewayConfiguration(
            profile: "abc", listen: ListenAddress(host: "127.0.0.1", port: 9109), dataDirectory: "d"))

        XCTAssertThrowsError(try BankSimulatorOptions(listen: ListenAddress(host: "127.0.0.1", port: 0), profile: "abc").validate())
        XCTAssertThrowsError(try BankSimulatorOptions(listen: ListenAddress(host: "127.0.0.1", port: 0),
                                                      tcpListen: ListenAddress(host: "127.0.0.1", port: 0), profile: "cmb").validate())
        XCTAssertNoThrow(try BankSimulatorOptions(listen: ListenAddress(host: "127.0.0.1", port: 0),
                                                  tcpListen: ListenAddress(host: "127.0.0.1", port: 0), profile: "abc").validate())
        XCTAssertTrue(SimulatorProfiles.usesTCP(profile: "abc"))
        XCTAssertFalse(SimulatorProfiles.usesTCP(profile: "cmb"))
    }
}
