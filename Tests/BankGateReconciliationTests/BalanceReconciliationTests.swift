import BankGateCore
import BankGateReconciliation
import XCTest

final class BalanceReconciliationTests: XCTestCase {
    /// Anchor 10,000.00. The ledger recorded P1 −2,000.00, P2 −500.00 (not yet booked), X1 +3,000.00
    /// and X2 +750.00 (not yet booked): 11,250.00. The bank booked P1, X1, a fee of 12.50 and
    /// interest of 3.10: 10,990.60. Adjusted: 10,990.60 − 500.00 + 750.00 = 11,240.60 and
    /// 11,250.00 + 3.10 − 12.50 = 11,240.60.
    func statement(bankBalance: Int64 = 1_099_060) throws -> BalanceReconciliation {
        try BalanceReconciliation.compute(
            accountId: "acme-eur", date: "2026-03-31", bankBalance: euros(bankBalance), anchorBalance: euros(1_000_000),
            ledgerMovements: [
                ReconciliationItem(id: "P1", date: "2026-03-05", amount: euros(-200_000), description: "Müller GmbH"),
                ReconciliationItem(id: "P2", date: "2026-03-30", amount: euros(-50_000), description: "Acme Trading"),
                ReconciliationItem(id: "X1", date: "2026-03-10", amount: euros(300_000), description: "Beta Kunde"),
                ReconciliationItem(id: "X2", date: "2026-03-31", amount: euros(75_000), description: "Beta Kunde, March"),
            ],
            outstandingPayments: [ReconciliationItem(id: "P2", date: "2026-03-30", amount: euros(50_000),
                                                     description: "Acme Trading")],
            receiptsInTransit: [ReconciliationItem(id: "X2", date: "2026-03-31", amount: euros(75_000),
                                                   description: "Beta Kunde, March")],
            unmatchedBankCredits: [ReconciliationItem(id: "T-int", date: "2026-03-31", amount: euros(310),
                                                      description: "Interest")],
            unmatchedBankDebits: [ReconciliationItem(id: "T-fee", date: "2026-03-31", amount: euros(1_250),
                                                     description: "=HYPERLINK(x)")])
    }

    func testBalancedStatement() throws {
        let result = try statement()
        XCTAssertEqual(result.ledgerBalance, euros(1_125_000))
        XCTAssertEqual(result.totalOutstandingPayments, euros(50_000))
        XCTAssertEqual(result.totalReceiptsInTransit, euros(75_000))
        XCTAssertEqual(result.totalUnmatchedBankCredits, euros(310))
        XCTAssertEqual(result.totalUnmatchedBankDebits, euros(1_250))
        XCTAssertEqual(result.adjustedBankBalance, euros(1_124_060))
        XCTAssertEqual(result.adjustedLedgerBalance, euros(1_124_060))
        XCTAssertEqual(result.difference, euros(0))
        XCTAssertTrue(result.balanced)
    }

    func testUnbalancedStatement() throws {
        let result = try statement(bankBalance: 1_099_000)
        XCTAssertEqual(result.adjustedBankBalance, euros(1_124_000))
        XCTAssertEqual(result.adjustedLedgerBalance, euros(1_124_060))
        XCTAssertEqual(result.difference, euros(-60))
        XCTAssertFalse(result.balanced)
        XCTAssertEqual(result.csvRows.last, ["difference", "", "2026-03-31",
                                             "Adjusted bank balance minus adjusted ledger balance", "-0.60", "EUR"])
    }

    func testCSV() throws {
        let expected = [
            "section,item_id,date,description,amount,currency",
            "bank_balance,,2026-03-31,Balance per bank statement,10990.60,EUR",
            "outstanding_payment,P2,2026-03-30,Acme Trading,-500.00,EUR",
            "receipt_in_transit,X2,2026-03-31,\"Beta Kunde, March\",750.00,EUR",
            "adjusted_bank_balance,,2026-03-31,Adjusted bank balance,11240.60,EUR",
            "ledger_balance,,2026-03-31,Balance per bankgate ledger (anchor 10000.00 + 4 movements),11250.00,EUR",
            "unmatched_bank_credit,T-int,2026-03-31,Interest,3.10,EUR",
            "unmatched_bank_debit,T-fee,2026-03-31,'=HYPERLINK(x),-12.50,EUR",
            "adjusted_ledger_balance,,2026-03-31,Adjusted ledger balance,11240.60,EUR",
            "difference,,2026-03-31,Adjusted bank balance minus adjusted ledger balance,0.00,EUR",
        ]
        XCTAssertEqual(try statement().csv, expected.map { $0 + "\r\n" }.joined())
    }

    func testOverflowIsAnError() {
        XCTAssertThrowsError(try BalanceReconciliation.compute(
            accountId: "a", date: "2026-03-31", bankBalance: euros(.max), anchorBalance: euros(0), ledgerMovements: [],
            outstandingPayments: [], receiptsInTransit: [item("X", 1)], unmatchedBankCredits: [], unmatchedBankDebits: [])
        ) { error in
            XCTAssertEqual(error as? BalanceReconciliationError, .overflow)
        }
        XCTAssertThrowsError(try BalanceReconciliation.compute(
            accountId: "a", date: "2026-03-31", bankBalance: euros(0), anchorBalance: euros(0),
            ledgerMovements: [item("M1", .max), item("M2", 1)],
            outstandingPayments: [], receiptsInTransit: [], unmatchedBankCredits: [], unmatchedBankDebits: [])
        ) { error in
            XCTAssertEqual(error as? BalanceReconciliationError, .overflow)
            XCTAssertEqual((error as? BalanceReconciliationError)?.itemId, "M2")
        }
        XCTAssertThrowsError(try BalanceReconciliation.compute(
            accountId: "a", date: "2026-03-31", bankBalance: euros(.min + 5), anchorBalance: euros(0), ledgerMovements: [],
            outstandingPayments: [item("P", 6)], receiptsInTransit: [], unmatchedBankCredits: [], unmatchedBankDebits: [])
        ) { error in
            XCTAssertEqual(error as? BalanceReconciliationError, .overflow)
        }
    }

    func testCurrencyMismatchIsAnError() {
        let dollars = ReconciliationItem(id: "T-usd", date: "2026-03-31", amount: Money(minorUnits: 5, currency: usd),
                                         description: "wrong account")
        XCTAssertThrowsError(try BalanceReconciliation.compute(
            accountId: "a", date: "2026-03-31", bankBalance: euros(0), anchorBalance: euros(0), ledgerMovements: [],
            outstandingPayments: [], receiptsInTransit: [], unmatchedBankCredits: [dollars], unmatchedBankDebits: [])
        ) { error in
            XCTAssertEqual(error as? BalanceReconciliationError, .currencyMismatch)
            XCTAssertEqual((error as? BalanceReconciliationError)?.itemId, "T-usd")
        }
        XCTAssertThrowsError(try BalanceReconciliation.compute(
            accountId: "a", date: "2026-03-31", bankBalance: euros(0), anchorBalance: Money(minorUnits: 0, currency: usd),
            ledgerMovements: [], outstandingPayments: [], receiptsInTransit: [], unmatchedBankCredits: [],
            unmatchedBankDebits: [])
        ) { error in
            XCTAssertEqual(error as? BalanceReconciliationError, .currencyMismatch)
        }
    }

    func testInvalidInputsAreErrors() {
        func failure(date: String = "2026-03-31", debits: [ReconciliationItem]) -> BalanceReconciliationError? {
            do {
                _ = try BalanceReconciliation.compute(
                    accountId: "a", date: date, bankBalance: euros(0), anchorBalance: euros(0), ledgerMovements: [],
                    outstandingPayments: [], receiptsInTransit: [], unmatchedBankCredits: [], unmatchedBankDebits: debits)
                return nil
            } catch {
                return error
            }
        }
        XCTAssertEqual(failure(debits: [item("F", -1)]), .negativeAmount)
        XCTAssertEqual(failure(debits: [item("F", 1, date: "2026-04-01")]), .dateAfterReconciliationDate)
        XCTAssertEqual(failure(debits: [item("F", 1, date: "2026-02-30")]), .invalidDate)
        XCTAssertEqual(failure(date: "31.03.2026", debits: []), .invalidDate)
        XCTAssertNil(failure(debits: [item("F", 1)]))
    }

    private func item(_ id: String, _ minorUnits: Int64, date: String = "2026-03-31") -> ReconciliationItem {
        ReconciliationItem(id: id, date: date, amount: euros(minorUnits), description: id)
    }
}
