import BankGateCore
import BankGateReconciliation
import XCTest

final class ExpectedPaymentTests: XCTestCase {
    let reconciler = Reconciler()

    func testExactByReferenceInRemittanceIgnoringCaseAndSpaces() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", 15_000, booked: "2026-03-05", remittance: "Payment for inv 2026 / 0042, thanks")],
            payments: [],
            expectedPayments: [expectedCredit("X1", .exact(15_000), reference: "INV2026/0042"),
                               expectedCredit("X2", .exact(15_000), reference: "INV2026/0043")])
        XCTAssertEqual(result.matches, [ReconciliationMatch(
            transactionId: "T1", target: .expectedPayment("X1"), kind: .exact, score: 1,
            reasons: [.referenceFound, .amountEqual, .dateWithinWindow])])
        XCTAssertEqual(result.unmatchedExpectedPaymentIds, ["X2"])
    }

    func testExactByReferenceInEndToEndIdOrStructuredReference() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", 100, endToEndId: "CUST-ORDER-991"),
                           transaction("T2", 200, structuredReference: "RF18 5390 0754 7034")],
            payments: [],
            expectedPayments: [expectedCredit("X1", .exact(100), reference: "order-991"),
                               expectedCredit("X2", .exact(200), reference: "RF18539007547034")])
        XCTAssertEqual(result.exactMatches.map(\.target), [.expectedPayment("X1"), .expectedPayment("X2")])
    }

    func testExactByRange() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", 9_950, remittance: "REF ABC-123")],
            payments: [],
            expectedPayments: [expectedCredit("X1", .range(9_900...10_100), reference: "abc-123")])
        XCTAssertEqual(result.exactMatches.first?.reasons, [.referenceFound, .amountInRange, .dateWithinWindow])
    }

    func testReferenceFoundButAmountOutsideRangeIsSuggested() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", 5_000, remittance: "REF ABC-123 first half")],
            payments: [],
            expectedPayments: [expectedCredit("X1", .range(9_900...10_100), reference: "abc-123")])
        XCTAssertEqual(result.matches, [ReconciliationMatch(
            transactionId: "T1", target: .expectedPayment("X1"), kind: .suggested, score: 0.8,
            reasons: [.referenceFound, .referenceMatchedAmountDiffers, .dateWithinWindow])])
    }

    func testOutsideWindowGivesNothing() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", 15_000, booked: "2026-04-01", name: "Beta Kunde AG",
                                       remittance: "INV2026/0042")],
            payments: [],
            expectedPayments: [expectedCredit("X1", .exact(15_000), reference: "INV2026/0042", name: "Beta Kunde")])
        XCTAssertEqual(result.matches, [])
        XCTAssertEqual(result.unmatchedTransactionIds, ["T1"])
        XCTAssertEqual(result.unmatchedExpectedPaymentIds, ["X1"])
    }

    func testDebitNeverMatchesAnExpectedPayment() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", -15_000, remittance: "INV2026/0042")], payments: [],
            expectedPayments: [expectedCredit("X1", .exact(15_000), reference: "INV2026/0042")])
        XCTAssertEqual(result.matches, [])
    }

    func testShortReferencesAreNotSearched() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", 100, remittance: "Rent 12 March")], payments: [],
            expectedPayments: [expectedCredit("X1", .exact(100), reference: "12")])
        XCTAssertEqual(result.matches, [])
    }

    func testSuggestedByAmountWindowAndPayer() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", 10_000, booked: "2026-03-20", name: "BETA KUNDE AG", remittance: "thanks")],
            payments: [],
            expectedPayments: [expectedCredit("X1", .range(9_000...11_000), name: "Beta Kunde"),
                               expectedCredit("X2", .exact(10_000), name: "Gamma SARL")])
        XCTAssertEqual(result.matches, [ReconciliationMatch(
            transactionId: "T1", target: .expectedPayment("X1"), kind: .suggested, score: 0.85,
            reasons: [.amountInRange, .dateWithinWindow, .counterpartyNameSimilar])])
    }

    func testTwoCreditsForOneExpectationFirstWins() {
        let transactions = [transaction("T2", 500, booked: "2026-03-03", remittance: "ORDER 77123"),
                            transaction("T1", 500, booked: "2026-03-03", remittance: "order77123")]
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<10 {
            let result = reconciler.reconcile(transactions: transactions.shuffled(using: &generator), payments: [],
                                              expectedPayments: [expectedCredit("X1", .exact(500), reference: "ORDER77123")])
            XCTAssertEqual(result.matches.map(\.transactionId), ["T1", "T2"])
            XCTAssertEqual(result.matches.map(\.kind), [.exact, .suggested])
            XCTAssertEqual(result.matches.last?.reasons, [.referenceFound, .amountEqual, .dateWithinWindow, .ambiguous])
        }
    }

    func testOverdueListsUnreceivedExpectationsWhoseWindowEnded() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", 100, booked: "2026-03-05", remittance: "INV-0001")],
            payments: [],
            expectedPayments: [
                expectedCredit("X-paid", .exact(100), reference: "INV-0001", to: "2026-03-10"),
                expectedCredit("X-late-2", .exact(200), reference: "INV-0002", to: "2026-03-10"),
                expectedCredit("X-late-1", .exact(300), reference: "INV-0003", from: "2026-02-01", to: "2026-02-28"),
                expectedCredit("X-open", .exact(400), reference: "INV-0004", to: "2026-03-11"),
            ])
        XCTAssertEqual(result.overdueExpectedPayments(asOf: "2026-03-11"), ["X-late-1", "X-late-2"])
        XCTAssertEqual(result.overdueExpectedPayments(asOf: "2026-03-12"), ["X-late-1", "X-late-2", "X-open"])
        XCTAssertEqual(result.overdueExpectedPayments(asOf: "2026-02-28"), [])
        XCTAssertEqual(result.overdueExpectedPayments(asOf: "not a date"), [])
    }
}
