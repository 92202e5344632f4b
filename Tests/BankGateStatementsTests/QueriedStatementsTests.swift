import BankGateCore
import XCTest
@testable import BankGateStatements

/// Statements assembled from query answers: balances only where the answers determine them.
final class QueriedStatementsTests: XCTestCase {
    private let cny = Currency(code: "CNY")!
    private lazy var account = DebtorAccount(id: "acc-cmb", bankId: "cmb", number: "755912345610001",
                                             bankCode: "308584000013", name: "深圳示例科技有限公司", currency: cny)
    private let createdAt = Timestamp.parseDate("2026-11-24")!.adding(milliseconds: 3_600_000)

    private func entry(_ date: String, _ amount: String, _ side: CreditDebit, after: String?, reference: String) -> StatementTransaction {
        StatementTransaction(account: StatementAccount(identifier: account.number, currency: "CNY"), statementId: "Q",
                             sequence: 1, bookingDate: date, valueDate: date, amount: money(amount, "CNY"), creditDebit: side,
                             status: .booked, bankReference: reference, instructionId: "BGI-\(reference)",
                             counterparty: Counterparty(name: "上海某某贸易有限公司"),
                             balanceAfter: after.map { money($0, "CNY") }, source: SourcePosition(line: 1, path: "Q"))
    }

    private func parse(_ bytes: [UInt8]) throws -> StatementCollector {
        var collector = StatementCollector()
        try StatementParser.parse(bytes: bytes, visitor: &collector)
        return collector
    }

    func testRunningBalancesGiveEachDayItsOpeningAndClosing() throws {
        let entries = [
            entry("2026-11-20", "100.00", .debit, after: "900.00", reference: "R1"),
            entry("2026-11-20", "50.00", .credit, after: "950.00", reference: "R2"),
            entry("2026-11-22", "200.00", .debit, after: "750.00", reference: "R3"),
        ]
        let assembly = try QueriedStatements.endOfDay(account: account, fromDate: "2026-11-20", toDate: "2026-11-22",
                                                      transactions: entries, balances: [], messageId: "BGR-1", createdAt: createdAt)
        XCTAssertEqual(assembly.days, ["2026-11-20", "2026-11-21", "2026-11-22"])
        XCTAssertEqual(assembly.undetermined, [])
        let parsed = try parse(assembly.document)
        XCTAssertEqual(parsed.ended.count, 3)
        let balances = parsed.ended.map { ($0.header.openingBalance?.amount.minorUnits, $0.header.closingBalance?.amount.minorUnits) }
        XCTAssertEqual(balances.map(\.0), [100_000, 95_000, 95_000])
        XCTAssertEqual(balances.map(\.1), [95_000, 95_000, 75_000])
        // The empty day in between is a statement of its own, consistent, without entries.
        XCTAssertEqual(parsed.ended[1].summary.entries, 0)
        for ended in parsed.ended { XCTAssertEqual(ended.summary.integrity, .consistent) }
        XCTAssertEqual(parsed.transactions.map(\.instructionId), ["BGI-R1", "BGI-R2", "BGI-R3"])
        XCTAssertEqual(parsed.transactions.map(\.bankReference), ["R1", "R2", "R3"])
        // The same day of the same account has the same statement id in every pull.
        XCTAssertEqual(parsed.begun.map(\.statementId), ["QS20261120-755912345610001", "QS20261121-755912345610001",
                                                        "QS20261122-755912345610001"])
    }

    func testAPreviousDayBalanceAnchorsDaysWithoutRunningBalances() throws {
        // No running balances: only the PRCD of the 23rd (from a balance query on the 24th) and
        // the entries lead back to the earlier days.
        let entries = [
            entry("2026-11-22", "300.00", .credit, after: nil, reference: "R1"),
            entry("2026-11-23", "100.00", .debit, after: nil, reference: "R2"),
        ]
        let balances = [StatementBalance(type: "PRCD", amount: money("1200.00", "CNY"), date: "2026-11-23"),
                        StatementBalance(type: "ITBD", amount: money("1200.00", "CNY"), date: "2026-11-24")]
        let assembly = try QueriedStatements.endOfDay(account: account, fromDate: "2026-11-22", toDate: "2026-11-23",
                                                      transactions: entries, balances: balances, messageId: "BGR-2", createdAt: createdAt)
        let parsed = try parse(assembly.document)
        XCTAssertEqual(parsed.ended.map { $0.header.closingBalance?.amount.minorUnits }, [130_000, 120_000])
        XCTAssertEqual(parsed.ended.map { $0.header.openingBalance?.amount.minorUnits }, [100_000, 130_000])
    }

    func testDaysTheAnswersDoNotDetermineAreLeftOut() throws {
        // An entry without running balance and no anchor: nothing says where the day stood.
        let entries = [entry("2026-11-10", "10.00", .debit, after: nil, reference: "R1")]
        let assembly = try QueriedStatements.endOfDay(account: account, fromDate: "2026-11-10", toDate: "2026-11-11",
                                                      transactions: entries, balances: [], messageId: "BGR-3", createdAt: createdAt)
        XCTAssertEqual(assembly.days, [])
        XCTAssertEqual(assembly.undetermined, ["2026-11-10", "2026-11-11"])
        XCTAssertTrue(assembly.document.isEmpty)
    }

    func testIntradayCarriesTheCurrentBalancesAndTodaysEntries() throws {
        let entries = [
            entry("2026-11-23", "5.00", .debit, after: "1195.00", reference: "OLD"),
            entry("2026-11-24", "95.00", .debit, after: "1100.00", reference: "R9"),
        ]
        let balances = [StatementBalance(type: "PRCD", amount: money("1195.00", "CNY"), date: "2026-11-23"),
                        StatementBalance(type: "ITBD", amount: money("1100.00", "CNY"), date: "2026-11-24"),
                        StatementBalance(type: "ITAV", amount: money("1000.00", "CNY"), date: "2026-11-24")]
        let assembly = try QueriedStatements.intraday(account: account, date: "2026-11-24", transactions: entries,
                                                      balances: balances, messageId: "BGR-4", createdAt: createdAt)
        let parsed = try parse(assembly.document)
        XCTAssertEqual(parsed.begun.first?.format, .camt052)
        XCTAssertEqual(parsed.transactions.map(\.bankReference), ["R9"])
        let header = try XCTUnwrap(parsed.begun.first)
        XCTAssertEqual(header.balance("OPBD")?.amount.minorUnits, 119_500)
        XCTAssertEqual(header.balance("ITBD")?.amount.minorUnits, 110_000)
        XCTAssertEqual(header.balance("ITAV")?.amount.minorUnits, 100_000)
    }
}
