import BankGateCore
import BankGateReconciliation
import XCTest

final class ReconcilerExactTests: XCTestCase {
    let reconciler = Reconciler()

    func testExactByEndToEndId() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", -12_500, endToEndId: "E2E-P1")],
            payments: [payment("P1", 12_500, instructionId: "X"), payment("P2", 12_500, instructionId: "Y")])
        XCTAssertEqual(result.matches, [ReconciliationMatch(transactionId: "T1", target: .payment("P1"), kind: .exact,
                                                            score: 1, reasons: [.endToEndIdEqual, .amountEqual])])
        XCTAssertEqual(result.unmatchedTransactionIds, [])
        XCTAssertEqual(result.unmatchedPaymentIds, ["P2"])
    }

    func testExactByInstructionIdIgnoringCaseAndSpaces() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", -500, instructionId: " instr-p2 ")],
            payments: [payment("P1", 500), payment("P2", 500)])
        XCTAssertEqual(result.exactMatches.map(\.target), [.payment("P2")])
        XCTAssertEqual(result.exactMatches.first?.reasons, [.instructionIdEqual, .amountEqual])
    }

    func testExactByBankReference() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", -700, bankReference: "BANK-SERIAL-77")],
            payments: [payment("P1", 700, bankReference: "BANK-SERIAL-77"), payment("P2", 700)])
        XCTAssertEqual(result.exactMatches.map(\.target), [.payment("P1")])
        XCTAssertEqual(result.exactMatches.first?.reasons, [.bankReferenceEqual, .amountEqual])
    }

    func testSeveralIdentifiersAreAllReported() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", -700, endToEndId: "E2E-P1", instructionId: "INSTR-P1")],
            payments: [payment("P1", 700)])
        XCTAssertEqual(result.exactMatches.first?.reasons, [.endToEndIdEqual, .instructionIdEqual, .amountEqual])
    }

    func testAmountDiffersBecomesSuggestion() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", -12_400, endToEndId: "E2E-P1")],
            payments: [payment("P1", 12_500)])
        XCTAssertEqual(result.exactMatches, [])
        XCTAssertEqual(result.matches, [ReconciliationMatch(
            transactionId: "T1", target: .payment("P1"), kind: .suggested, score: 0.8,
            reasons: [.endToEndIdEqual, .idMatchedAmountDiffers])])
        XCTAssertEqual(result.unmatchedTransactionIds, [])
        XCTAssertEqual(result.unmatchedPaymentIds, [])
    }

    func testAmountDiffersIsExactWhenPolicyAllows() {
        let lenient = Reconciler(policy: MatchingPolicy(identifierMatchRequiresEqualAmount: false))
        let result = lenient.reconcile(transactions: [transaction("T1", -12_400, endToEndId: "E2E-P1")],
                                       payments: [payment("P1", 12_500)])
        XCTAssertEqual(result.exactMatches.map(\.reasons), [[.endToEndIdEqual, .idMatchedAmountDiffers]])
    }

    func testCreditWithOurIdIsAPossibleReturnNotAMatch() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", -12_500, endToEndId: "E2E-P1"),
                           transaction("T2", 12_500, booked: "2026-03-12", endToEndId: "E2E-P1")],
            payments: [payment("P1", 12_500)])
        XCTAssertEqual(result.matches.map(\.kind), [.exact, .suggested])
        XCTAssertEqual(result.matches.last?.reasons, [.endToEndIdEqual, .idMatchedAmountDiffers, .directionReversed])
    }

    func testNotProvidedAndNonrefAreNoIdentifiers() {
        let payments = [payment("P1", 900, endToEndId: "NOTPROVIDED", bankReference: "NONREF")]
        let result = reconciler.reconcile(
            transactions: [transaction("T1", -900, booked: "2026-01-01", endToEndId: "NOTPROVIDED", bankReference: "nonref")],
            payments: payments)
        XCTAssertEqual(result.matches, [])
        XCTAssertEqual(result.unmatchedTransactionIds, ["T1"])
        XCTAssertEqual(result.unmatchedPaymentIds, ["P1"])
    }

    func testAccountAndCurrencyMustAgree() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", -900, booked: "2026-01-01", account: "other", endToEndId: "E2E-P1"),
                           transaction("T2", -900, booked: "2026-01-01", currency: usd, endToEndId: "E2E-P1")],
            payments: [payment("P1", 900)])
        XCTAssertEqual(result.matches, [])
        XCTAssertEqual(result.unmatchedTransactionIds, ["T1", "T2"])
    }

    func testTwoTransactionsForOnePaymentFirstWinsWhateverTheOrder() {
        let transactions = [
            transaction("T-b", -1_000, booked: "2026-03-11", endToEndId: "E2E-P1"),
            transaction("T-a", -1_000, booked: "2026-03-11", endToEndId: "E2E-P1"),
            transaction("T-0", -1_000, booked: "2026-03-12", endToEndId: "E2E-P1"),
        ]
        let payments = [payment("P1", 1_000)]
        let expected = [
            ReconciliationMatch(transactionId: "T-a", target: .payment("P1"), kind: .exact, score: 1,
                                reasons: [.endToEndIdEqual, .amountEqual]),
            ReconciliationMatch(transactionId: "T-b", target: .payment("P1"), kind: .suggested, score: 0.9,
                                reasons: [.endToEndIdEqual, .amountEqual, .ambiguous]),
            ReconciliationMatch(transactionId: "T-0", target: .payment("P1"), kind: .suggested, score: 0.9,
                                reasons: [.endToEndIdEqual, .amountEqual, .ambiguous]),
        ]
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<20 {
            let result = reconciler.reconcile(transactions: transactions.shuffled(using: &generator),
                                              payments: payments)
            XCTAssertEqual(result.matches, expected)
        }
    }

    func testOneTransactionForTwoPaymentsFirstPaymentWinsOtherIsSuggested() {
        let transactions = [transaction("T1", -1_000, endToEndId: "DUP-1")]
        let payments = [payment("P2", 1_000, executed: "2026-03-09", endToEndId: "DUP-1"),
                        payment("P1", 1_000, executed: "2026-03-09", endToEndId: "DUP-1"),
                        payment("P0", 1_000, executed: "2026-03-10", endToEndId: "DUP-1")]
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<20 {
            let result = reconciler.reconcile(transactions: transactions, payments: payments.shuffled(using: &generator))
            XCTAssertEqual(result.matches, [
                ReconciliationMatch(transactionId: "T1", target: .payment("P1"), kind: .exact, score: 1,
                                    reasons: [.endToEndIdEqual, .amountEqual]),
                ReconciliationMatch(transactionId: "T1", target: .payment("P2"), kind: .suggested, score: 0.9,
                                    reasons: [.endToEndIdEqual, .amountEqual, .ambiguous], alternatives: [.payment("P0")]),
            ])
            XCTAssertEqual(result.unmatchedPaymentIds, ["P0"])
        }
    }

    func testDuplicateIdentifiersPairUpOneToOne() {
        // Two transactions and two payments share one end-to-end id: both pair up exactly.
        let result = reconciler.reconcile(
            transactions: [transaction("T2", -300, booked: "2026-03-11", endToEndId: "SAME"),
                           transaction("T1", -300, booked: "2026-03-10", endToEndId: "SAME")],
            payments: [payment("P2", 300, executed: "2026-03-10", endToEndId: "SAME"),
                       payment("P1", 300, executed: "2026-03-09", endToEndId: "SAME")])
        XCTAssertEqual(result.exactMatches.map { "\($0.transactionId)→\($0.target)" },
                       ["T1→payment(\"P1\")", "T2→payment(\"P2\")"])
        XCTAssertEqual(result.suggestions, [])
    }

    func testGeneratedTenThousandAllMatchExactly() {
        let count = 10_000
        var generator = SeededGenerator(seed: 42)
        var transactions: [BankTransactionCandidate] = []
        var payments: [PaymentCandidate] = []
        for index in 0..<count {
            let amount = Int64.random(in: 100...10_000_000, using: &generator)
            let day = 1 + index % 28
            let date = "2026-02-" + (day < 10 ? "0" : "") + String(day)
            payments.append(payment("P\(index)", amount, executed: date, endToEndId: "E2E-\(index)",
                                    creditor: "Creditor \(index % 97) GmbH"))
            transactions.append(transaction("T\(index)", -amount, booked: date, endToEndId: "E2E-\(index)",
                                            name: "CREDITOR \(index % 97)"))
        }
        let result = reconciler.reconcile(transactions: transactions.shuffled(using: &generator),
                                          payments: payments.shuffled(using: &generator))
        XCTAssertEqual(result.exactMatches.count, count)
        XCTAssertEqual(result.suggestions.count, 0)
        XCTAssertEqual(result.unmatchedTransactionIds.count, 0)
        XCTAssertEqual(result.unmatchedPaymentIds.count, 0)
        XCTAssertTrue(result.matches.allSatisfy { $0.target == .payment("P" + $0.transactionId.dropFirst()) })
    }
}
