import BankGateAdapters
import BankGateCore
import BankGateStatements
import BankGateXML
import XCTest
@testable import BankGateSimulator
import BankGateTestSupport

/// The CMB profile, driven the way the gateway drives it: `CMBAdapter` encodes, the simulator answers,
/// `CMBAdapter` decodes.
final class CMBProfileTests: XCTestCase {
    private static let profile = CMBProfile()
    private static let adapter = CMBAdapter(loginName: CMBProfile.defaultLoginName,
                                            branchCodes: ["755912345610001": "75", "215912345620001": "21"])
    private static let cny = Currency(code: "CNY")!
    private static let shenzhen = "755912345610001"
    private static let shanghai = "215912345620001"

    private func openBank(_ directory: String? = nil, faults: FaultSettings = FaultSettings(seed: 1),
                          clock: ManualClock = ManualClock(SimulatorTestTime.start)) async throws -> SimulatedBank {
        try await SimulatedBank.open(dataDirectory: directory ?? makeTemporaryDirectory(self), accounts: nil,
                                     openAccounts: Self.profile.accounts.map(\.simulatedAccount), faults: faults,
                                     profile: "cmb", clock: clock, logger: quietLogger)
    }

    private static func debtor(_ number: String = shenzhen) -> DebtorAccount {
        DebtorAccount(id: "acc-" + number, bankId: "cmb-sim", number: number, bankCode: CMBProfile.bankCode,
                      name: "深圳示例科技有限公司", currency: cny)
    }

    /// To ICBC (another bank), with the fields CMB requires for it.
    private static func otherBank(_ reference: String, minorUnits: Int64) -> CreditTransfer {
        CreditTransfer(
            paymentId: "p-" + reference, instructionId: reference, endToEndId: "E-" + reference,
            amount: Money(minorUnits: minorUnits, currency: cny),
            creditor: Party(name: "上海某某贸易有限公司", account: "31001234567890123", bankCode: "102290000011",
                            bankName: "中国工商银行", bankBranch: "上海市分行营业部",
                            address: PostalAddress(street: "黄浦区中山东一路1号", town: "上海市", country: "CN")),
            remittanceInfo: "合同HT-2026-118", details: TransferDetails(purpose: "货款", priority: .urgent, sameBank: false))
    }

    /// To the simulator's Shanghai account (same bank).
    private static func sameBank(_ reference: String, minorUnits: Int64) -> CreditTransfer {
        CreditTransfer(
            paymentId: "p-" + reference, instructionId: reference, endToEndId: "E-" + reference,
            amount: Money(minorUnits: minorUnits, currency: cny),
            creditor: Party(name: "上海示例贸易有限公司", account: shanghai, bankCode: CMBProfile.bankCode),
            remittanceInfo: nil, details: TransferDetails(purpose: "服务费", sameBank: true))
    }

    private static func payment(_ transfers: [CreditTransfer], from debtor: DebtorAccount = debtor(),
                                adapter: CMBAdapter = adapter) throws -> [UInt8] {
        try adapter.encodePayment(PaymentMessage(
            messageId: "BGM-" + transfers[0].instructionId, paymentInfoId: "P", createdAt: Timestamp(milliseconds: SimulatorTestTime.start),
            requestedExecutionDate: "2026-11-23", debtor: debtor, initiatingPartyName: debtor.name,
            transfers: transfers)).bytes
    }

    private static func outcomes(_ answer: BankAnswer, file: StaticString = #filePath,
                                 line: UInt = #line) -> [String: TransactionOutcome] {
        XCTAssertEqual(answer.httpStatus, 200, file: file, line: line)
        XCTAssertEqual(answer.contentType, "text/xml; charset=GBK", file: file, line: line)
        guard case .outcomes(let list) = adapter.decodePaymentAnswer(answer.body) else {
            XCTFail("not outcomes: \(adapter.decodePaymentAnswer(answer.body))", file: file, line: line)
            return [:]
        }
        return Dictionary(list.map { ($0.instructionId ?? "", $0) }, uniquingKeysWith: { first, _ in first })
    }

    private static func balance(_ bank: SimulatedBank, _ number: String) async throws -> Int64? {
        try await bank.accounts().first { $0.number == number }?.balance.minorUnits
    }

    func testPaymentIsExecutedOnceAndAResendIsRefusedAsDuplicate() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let request = try Self.payment([Self.otherBank("BGI-1", minorUnits: 1_234_567), Self.sameBank("BGI-2", minorUnits: 80_000)])
        let first = await bank.receiveCMB(request, profile: Self.profile)
        let answer = try CMBAnswer.read(first.body)
        XCTAssertEqual(answer.function, "DCPAYMNT")
        XCTAssertEqual(answer.returnCode, "0")
        XCTAssertTrue(first.body.starts(with: Array("<?xml version=\"1.0\" encoding=\"GBK\"?>\n<CMBSDKPGK><INFO>".utf8)))
        let outcomes = Self.outcomes(first)
        XCTAssertEqual(outcomes["BGI-1"]?.status, .completed)
        XCTAssertEqual(outcomes["BGI-1"]?.bankStatus, "FIN/S")
        XCTAssertEqual(outcomes["BGI-2"]?.status, .completed)
        XCTAssertEqual(answer.records("NTQPAYRQZ").compactMap { $0.child("REQNBR")?.trimmedText }.count, 2)

        let transfers = try await bank.transfers()
        XCTAssertEqual(transfers.map(\.endToEndId), ["BGI-1", "BGI-2"], "the ledger's end-to-end id is YURREF")
        XCTAssertEqual(transfers.map(\.amount.decimalString), ["12345.67", "800.00"])
        XCTAssertEqual(transfers[0].debtorAccount, Self.shenzhen)
        XCTAssertEqual(transfers[0].creditorAccount, "31001234567890123")
        let shenzhenAfter = try await Self.balance(bank, Self.shenzhen)
        let shanghaiAfter = try await Self.balance(bank, Self.shanghai)
        XCTAssertEqual(shenzhenAfter, 1_000_000_000 - 1_234_567 - 80_000)
        XCTAssertEqual(shanghaiAfter, 500_000_000 + 80_000, "the on-us creditor is credited")

        // The same YURREFs again (the gateway's resend after a lost answer), plus a new one.
        let resend = try Self.payment([Self.otherBank("BGI-1", minorUnits: 1_234_567), Self.sameBank("BGI-2", minorUnits: 80_000),
                                       Self.sameBank("BGI-3", minorUnits: 100)])
        let second = await bank.receiveCMB(resend, profile: Self.profile)
        let again = Self.outcomes(second)
        XCTAssertEqual(again["BGI-1"]?.reasonCode, "NCB4241")
        XCTAssertEqual(again["BGI-1"]?.status, .unknown, "the gateway reads a duplicate as: ask the status")
        XCTAssertEqual(again["BGI-2"]?.reasonCode, "NCB4241")
        XCTAssertEqual(again["BGI-3"]?.status, .completed)
        let duplicate = try XCTUnwrap(CMBAnswer.read(second.body).records("NTQPAYRQZ").first)
        XCTAssertEqual(duplicate.child("ERRTXT")?.trimmedText, "NCB4241 -业务参考号重复")
        XCTAssertEqual(duplicate.child("REQSTS")?.trimmedText, "FIN")
        XCTAssertEqual(duplicate.child("RTNFLG")?.trimmedText, "F")
        XCTAssertNil(duplicate.child("REQNBR"))
        let ledgerAfterResend = try await bank.transfers()
        let shenzhenAfterResend = try await Self.balance(bank, Self.shenzhen)
        XCTAssertEqual(ledgerAfterResend.map(\.endToEndId), ["BGI-1", "BGI-2", "BGI-3"], "nothing executed twice")
        XCTAssertEqual(shenzhenAfterResend, shenzhenAfter.map { $0 - 100 })
    }

    func testLedgerRefusalsAreFinalFailuresWithReasons() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let request = try Self.payment([
            Self.otherBank("BIG", minorUnits: 2_000_000_000),
            Self.sameBank("OK", minorUnits: 100),
        ])
        let outcomes = Self.outcomes(await bank.receiveCMB(request, profile: Self.profile))
        XCTAssertEqual(outcomes["BIG"]?.status, .rejected)
        XCTAssertEqual(outcomes["BIG"]?.bankStatus, "FIN/F")
        XCTAssertEqual(outcomes["BIG"]?.reasonCode, "SIMAM04")
        XCTAssertEqual(outcomes["BIG"]?.reasonText, "SIMAM04 -余额不足")
        XCTAssertEqual(outcomes["OK"]?.status, .completed, "a refused transfer does not stop the next")

        // The Shanghai account named with the Shenzhen branch code: refused, nothing moves.
        let wrongBranch = CMBAdapter(loginName: CMBProfile.defaultLoginName, branchCodes: [Self.shanghai: "75"])
        let refused = Self.outcomes(await bank.receiveCMB(
            try Self.payment([Self.otherBank("BRANCH", minorUnits: 100)], from: Self.debtor(Self.shanghai), adapter: wrongBranch),
            profile: Self.profile))
        XCTAssertEqual(refused["BRANCH"]?.status, .rejected)
        XCTAssertEqual(refused["BRANCH"]?.reasonCode, "SIMAC01")
        let executed = try await bank.transfers().map(\.endToEndId)
        XCTAssertEqual(executed, ["OK"])

        // A refused YURREF is received all the same: sending it again is a duplicate.
        let resent = Self.outcomes(await bank.receiveCMB(try Self.payment([Self.otherBank("BIG", minorUnits: 100)]),
                                                         profile: Self.profile))
        XCTAssertEqual(resent["BIG"]?.reasonCode, "NCB4241")
    }

    func testStatusQueriesFindAPaymentWhoseAnswerWasDropped() async throws {
        let bank = try await openBank(faults: FaultSettings(seed: 3, dropAfterExecuteRate: 1))
        defer { bank.close() }
        let dropped = await bank.receiveCMB(try Self.payment([Self.otherBank("DROP-1", minorUnits: 5_000)]), profile: Self.profile)
        XCTAssertEqual(dropped.delivery, .dropConnection)
        let ledger = try await bank.transfers()
        XCTAssertEqual(ledger.map(\.endToEndId), ["DROP-1"], "executed and committed before the drop")

        // NTQRYSTY by YURREF, dated the UTC day it was sent (2026-11-22; China's date is already the 23rd).
        let query = try Self.adapter.encodeStatusQuery(reference: "DROP-1", sentOn: "2026-11-22")
        let answer = await bank.receiveCMB(query.bytes, profile: Self.profile)
        XCTAssertEqual(answer.delivery, .respond, "status queries are never dropped")
        XCTAssertEqual(Self.outcomes(answer)["DROP-1"]?.status, .completed)
        let record = try XCTUnwrap(CMBAnswer.read(answer.body).records("NTQPAYQYZ").first)
        XCTAssertEqual(record.child("OPRDAT")?.trimmedText, "20261123")
        XCTAssertEqual(record.child("TRSAMT")?.trimmedText, "50.00")
        XCTAssertEqual(record.child("CRTNAM")?.trimmedText, "上海某某贸易有限公司")

        // NTSTLINF by the process number (REQNBR), which is the ledger's pmt_inf_id.
        let byNumber = try Self.adapter.encodePaymentInfoQuery(requestNumbers: [ledger[0].paymentInformationId, "9999999999"],
                                                               queryId: "Q")
        let numbered = await bank.receiveCMB(byNumber.bytes, profile: Self.profile)
        XCTAssertEqual(Self.outcomes(numbered).keys.sorted(), ["DROP-1"], "an unknown REQNBR has no record")

        // A YURREF never received: RETCOD 0 and no NTQPAYQYZ.
        let never = await bank.receiveCMB(try Self.adapter.encodeStatusQuery(reference: "NEVER", sentOn: "2026-11-22").bytes,
                                          profile: Self.profile)
        let empty = try CMBAnswer.read(never.body)
        XCTAssertEqual(empty.returnCode, "0")
        XCTAssertEqual(empty.function, "NTQRYSTY")
        XCTAssertTrue(empty.records.isEmpty)
        // Received, but outside the queried operating dates: no record either.
        let elsewhere = await bank.receiveCMB(try Self.adapter.encodeStatusQuery(reference: "DROP-1", sentOn: "2026-11-10").bytes,
                                              profile: Self.profile)
        XCTAssertTrue(try CMBAnswer.read(elsewhere.body).records.isEmpty)
    }

    func testBalancesAndTransactionsMatchTheLedger() async throws {
        let clock = ManualClock(SimulatorTestTime.start)
        let bank = try await openBank(clock: clock)
        defer { bank.close() }
        _ = await bank.receiveCMB(try Self.payment([Self.otherBank("T-1", minorUnits: 1_234_567),
                                                    Self.sameBank("T-2", minorUnits: 80_000)]), profile: Self.profile)

        let balanceQuery = try Self.adapter.encodeBalanceQuery(account: Self.debtor(), queryId: "B")
        let balances = try Self.adapter.decodeBalanceAnswer(await bank.receiveCMB(balanceQuery.bytes, profile: Self.profile).body)
        XCTAssertEqual(balances.count, 1)
        let ledgerBalance = try await Self.balance(bank, Self.shenzhen)
        XCTAssertEqual(balances.first?.account, Self.shenzhen)
        XCTAssertEqual(balances.first?.onlineBalance.minorUnits, ledgerBalance)
        XCTAssertEqual(balances.first?.availableBalance.minorUnits, ledgerBalance)
        XCTAssertEqual(balances.first?.previousDayBalance.minorUnits, 1_000_000_000, "today's payments are after yesterday's close")
        XCTAssertEqual(balances.first?.name, "深圳示例科技有限公司")
        XCTAssertEqual(balances.first?.status, "A")

        let transactionQuery = try Self.adapter.encodeTransactionQuery(account: Self.debtor(), fromDate: "2026-11-22",
                                                                       toDate: "2026-11-23", queryId: "T")
        let transactions = try Self.adapter.decodeTransactionAnswer(
            await bank.receiveCMB(transactionQuery.bytes, profile: Self.profile).body, account: Self.debtor(), statementId: "T")
        XCTAssertEqual(transactions.map(\.instructionId), ["T-1", "T-2"])
        XCTAssertEqual(transactions.map(\.creditDebit), [.debit, .debit])
        XCTAssertEqual(transactions.map(\.amount.minorUnits), [1_234_567, 80_000])
        XCTAssertEqual(transactions.map(\.bookingDate), ["2026-11-23", "2026-11-23"], "booked on China's date")
        XCTAssertEqual(transactions.map { $0.balanceAfter?.minorUnits }, [1_000_000_000 - 1_234_567, ledgerBalance])
        XCTAssertEqual(transactions.first?.counterparty.name, "上海某某贸易有限公司")
        XCTAssertEqual(transactions.first?.remittanceInformation, "货款")
        XCTAssertEqual(Set(transactions.compactMap(\.bankReference)).count, 2, "a bank reference each")

        let shanghai = Self.debtor(Self.shanghai)
        let credits = try Self.adapter.decodeTransactionAnswer(
            await bank.receiveCMB(try Self.adapter.encodeTransactionQuery(account: shanghai, fromDate: "2026-11-23",
                                                                          toDate: "2026-11-23", queryId: "S").bytes,
                                  profile: Self.profile).body, account: shanghai, statementId: "S")
        XCTAssertEqual(credits.map(\.creditDebit), [.credit])
        XCTAssertEqual(credits.first?.balanceAfter?.minorUnits, 500_000_000 + 80_000)
        XCTAssertEqual(credits.first?.counterparty.account, Self.shenzhen)
        XCTAssertNil(credits.first?.instructionId, "the payee does not see the payer's YURREF")

        // A day later the previous day's balance is the ledger's, and an earlier range has nothing.
        clock.advance(milliseconds: 86_400_000)
        let tomorrow = try Self.adapter.decodeBalanceAnswer(await bank.receiveCMB(balanceQuery.bytes, profile: Self.profile).body)
        XCTAssertEqual(tomorrow.first?.previousDayBalance.minorUnits, ledgerBalance)
        let before = try Self.adapter.decodeTransactionAnswer(
            await bank.receiveCMB(try Self.adapter.encodeTransactionQuery(account: Self.debtor(), fromDate: "2026-11-01",
                                                                          toDate: "2026-11-22", queryId: "E").bytes,
                                  profile: Self.profile).body, account: Self.debtor(), statementId: "E")
        XCTAssertTrue(before.isEmpty)

        // An account the bank does not hold.
        let unknown = DebtorAccount(id: "x", bankId: "cmb-sim", number: "999900001111", bankCode: CMBProfile.bankCode,
                                    name: "无", currency: Self.cny)
        let query = try CMBAdapter(loginName: CMBProfile.defaultLoginName, branchCodes: ["999900001111": "75"])
            .encodeBalanceQuery(account: unknown, queryId: "U")
        let refused = try CMBAnswer.read(await bank.receiveCMB(query.bytes, profile: Self.profile).body)
        XCTAssertEqual(refused.returnCode, "-2")
    }

    func testAnotherLoginNameIsNotLoggedIn() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let stranger = CMBAdapter(loginName: "SOMEONE", branchCodes: [Self.shenzhen: "75"])
        let answer = await bank.receiveCMB(try Self.payment([Self.otherBank("L-1", minorUnits: 100)], adapter: stranger),
                                           profile: Self.profile)
        XCTAssertEqual(answer.httpStatus, 200)
        XCTAssertEqual(try CMBAnswer.read(answer.body).returnCode, "-4")
        XCTAssertEqual(try CMBAnswer.read(answer.body).errorMessage, "尚未登录系统")
        guard case .retryLater = Self.adapter.decodePaymentAnswer(answer.body) else {
            return XCTFail("-4 must read as retry later")
        }
        let ledger = try await bank.transfers()
        XCTAssertTrue(ledger.isEmpty)
    }

    func testRequestsThatAreNotWellFormedGBKXMLAreFormatErrors() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let good = try Self.payment([Self.otherBank("M-1", minorUnits: 100)])
        let utf8 = Array(String(decoding: try ChineseTextEncoding.gbk.decode(good, field: "t").utf8, as: UTF8.self)
            .replacingOccurrences(of: "encoding=\"GBK\"", with: "encoding=\"UTF-8\"").utf8)
        let dtd = Array("<?xml version=\"1.0\" encoding=\"GBK\"?>\n<!DOCTYPE CMBSDKPGK [<!ENTITY x \"BANKGATE01\">]>\n<CMBSDKPGK><INFO><FUNNAM>GetAccInfo</FUNNAM><DATTYP>2</DATTYP><LGNNAM>&x;</LGNNAM></INFO></CMBSDKPGK>".utf8)
        let cut = Array(good.prefix(good.count / 2))
        let noFunction = Array("<?xml version=\"1.0\" encoding=\"GBK\"?><CMBSDKPGK><INFO><LGNNAM>BANKGATE01</LGNNAM></INFO></CMBSDKPGK>".utf8)
        let missingField = try ChineseTextEncoding.gbk.encode(
            try ChineseTextEncoding.gbk.decode(good, field: "t").replacingOccurrences(of: "<NUSAGE>货款</NUSAGE>", with: ""), field: "t")
        for (name, bytes) in [("junk", Array("not xml at all".utf8)), ("utf-8", utf8), ("dtd", dtd), ("cut", cut),
                              ("no FUNNAM", noFunction), ("no NUSAGE", missingField), ("bad GBK", [0x3C, 0x81, 0x20, 0x3E])] {
            let answer = await bank.receiveCMB(bytes, profile: Self.profile)
            XCTAssertEqual(answer.httpStatus, 200, name)
            XCTAssertEqual(try CMBAnswer.read(answer.body).returnCode, "-3", name)
            guard case .refused = Self.adapter.decodePaymentAnswer(answer.body) else {
                XCTFail("\(name): -3 must read as refused")
                continue
            }
        }
        let ledger = try await bank.transfers()
        XCTAssertTrue(ledger.isEmpty)
    }

    func testFaultsTakeTheFrontEndsForms() async throws {
        let failing = try await openBank(faults: FaultSettings(seed: 5, failRate: 1))
        let busy = await failing.receiveCMB(try Self.payment([Self.otherBank("F-1", minorUnits: 100)]), profile: Self.profile)
        XCTAssertEqual(try CMBAnswer.read(busy.body).returnCode, "-5")
        XCTAssertEqual(busy.effect, .refusedForNow)
        let failed = try await failing.transfers()
        XCTAssertTrue(failed.isEmpty, "refused before executing")
        // Queries are never failed.
        let status = await failing.receiveCMB(try Self.adapter.encodeStatusQuery(reference: "F-1", sentOn: "2026-11-22").bytes,
                                              profile: Self.profile)
        XCTAssertEqual(try CMBAnswer.read(status.body).returnCode, "0")
        failing.close()

        let garbling = try await openBank(faults: FaultSettings(seed: 5, malformedRate: 1))
        defer { garbling.close() }
        let garbled = await garbling.receiveCMB(try Self.payment([Self.otherBank("G-1", minorUnits: 100)]), profile: Self.profile)
        guard case .unknown = Self.adapter.decodePaymentAnswer(garbled.body) else { return XCTFail("a cut answer is unknown") }
        let query = try Self.adapter.encodeStatusQuery(reference: "G-1", sentOn: "2026-11-22")
        let settled = await garbling.receiveCMB(query.bytes, profile: Self.profile)
        XCTAssertEqual(Self.outcomes(settled)["G-1"]?.status, .completed)

        let clock = ManualClock(SimulatorTestTime.start)
        let maintained = try await openBank(faults: FaultSettings(seed: 5, maintenanceEverySeconds: 60, maintenanceDurationSeconds: 10),
                                            clock: clock)
        defer { maintained.close() }
        let down = await maintained.receiveCMB(try Self.payment([Self.otherBank("W-1", minorUnits: 100)]), profile: Self.profile)
        XCTAssertEqual(try CMBAnswer.read(down.body).returnCode, "-1")
        clock.advance(milliseconds: 15_000)
        let up = await maintained.receiveCMB(try Self.payment([Self.otherBank("W-1", minorUnits: 100)]), profile: Self.profile)
        XCTAssertEqual(Self.outcomes(up)["W-1"]?.status, .completed)
    }

    func testALedgerServesOneProfile() async throws {
        let directory = try makeTemporaryDirectory(self)
        let iso = try await SimulatedBank.open(dataDirectory: directory, accounts: ruleAccounts, faults: FaultSettings(seed: 1),
                                               clock: ManualClock(SimulatorTestTime.start), logger: quietLogger)
        iso.close()
        do {
            let cmb = try await openBank(directory)
            cmb.close()
            XCTFail("an ISO 20022 ledger must not open as CMB")
        } catch let error as BankSimulatorOptionsError {
            XCTAssertTrue(error.message.contains("iso20022"), error.message)
        }
    }

    func testPrintConfigGivesTheGatewaysTables() throws {
        let text = try SimulatorProfiles.gatewayConfiguration(profile: "cmb", listen: ListenAddress(host: "127.0.0.1", port: 9102),
                                                              dataDirectory: "var/cmb")
        let tables = try TOMLLines.parse(text)
        XCTAssertEqual(tables.map(\.name), ["banks", "accounts", "accounts"])
        XCTAssertEqual(tables[0].values, ["id": "cmb-sim", "adapter": "cmb", "transport": "http",
                                          "url": "http://127.0.0.1:9102", "login_name": CMBProfile.defaultLoginName])
        XCTAssertEqual(tables[1].values["bank"], "cmb-sim")
        XCTAssertEqual(tables[1].values["number"], Self.shenzhen)
        XCTAssertEqual(tables[1].values["branch_code"], "75")
        XCTAssertEqual(tables[1].values["bank_code"], "308584000013")
        XCTAssertEqual(tables[1].values["currency"], "CNY")
        XCTAssertEqual(tables[1].values["name"], "深圳示例科技有限公司")
        XCTAssertEqual(Set(tables[2].values.keys), ["id", "bank", "number", "branch_code", "bank_code", "name", "currency"])
        XCTAssertEqual(Set(tables.dropFirst().compactMap { $0.values["number"] }),
                       Set(Self.profile.accounts.map(\.number)), "the accounts printed are the ones opened")

        let iso = try TOMLLines.parse(try SimulatorProfiles.gatewayConfiguration(
            profile: "iso20022", listen: ListenAddress(host: "::1", port: 9101), dataDirectory: "var/sim"))
        XCTAssertEqual(iso.first?.values["adapter"], "iso20022")
        XCTAssertEqual(iso.first?.values["url"], "http://[::1]:9101")
        XCTAssertEqual(iso.dropFirst().first?.values["currency"], "EUR")
        XCTAssertThrowsError(try SimulatorProfiles.gatewayConfiguration(profile: "nope", listen: ListenAddress(host: "h", port: 1),
                                                                        dataDirectory: "d"))
    }
}

/// A deliberately small reader of the TOML `--print-config` writes: comments, `[[name]]` headers and
/// `key = "basic string"` lines, nothing else (anything else fails the test).
enum TOMLLines {
    struct Table: Equatable {
        var name: String
        var values: [String: String]
    }

    struct Failure: Error { var line: String }

    static func parse(_ text: String) throws -> [Table] {
        var tables: [Table] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") { continue }
            if line.hasPrefix("[["), line.hasSuffix("]]") {
                tables.append(Table(name: String(line.dropFirst(2).dropLast(2)), values: [:]))
                continue
            }
            guard let equals = line.range(of: " = "), !tables.isEmpty else { throw Failure(line: String(line)) }
            let key = String(line[..<equals.lowerBound])
            let raw = line[equals.upperBound...]
            // An array of strings is kept as written (`["a", "b"]`).
            if raw.hasPrefix("[\""), raw.hasSuffix("\"]"), key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
               tables[tables.count - 1].values.updateValue(String(raw), forKey: key) == nil {
                continue
            }
            guard key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), raw.count >= 2, raw.hasPrefix("\""), raw.hasSuffix("\""),
                  !raw.dropFirst().dropLast().contains("\""), !raw.contains("\\"),
                  tables[tables.count - 1].values.updateValue(String(raw.dropFirst().dropLast()), forKey: key) == nil else {
                throw Failure(line: String(line))
            }
        }
        return tables
    }
}
