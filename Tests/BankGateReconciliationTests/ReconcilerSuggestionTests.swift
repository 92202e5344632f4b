import BankGateCore
import BankGateReconciliation
import XCTest

final class ReconcilerSuggestionTests: XCTestCase {
    let reconciler = Reconciler()

    func testSuggestedByAmountDateAndName() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", -4_990, booked: "2026-03-11", name: "Acme Trading")],
            payments: [payment("P1", 4_990, executed: "2026-03-10", creditor: "ACME Trading GmbH")])
        // 0.35 amount + (0.10 + 0.05 × (1 − 1/3)) date + 0.35 × 1.0 name = 0.833
        XCTAssertEqual(result.matches, [ReconciliationMatch(
            transactionId: "T1", target: .payment("P1"), kind: .suggested, score: 0.833,
            reasons: [.amountEqual, .dateWithinWindow, .counterpartyNameSimilar])])
        XCTAssertEqual(result.unmatchedPaymentIds, [])
    }

    func testSuggestedByCounterpartyAccountAndRemittance() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", -4_990, booked: "2026-03-13", valueDate: "2026-03-10",
                                       counterpartyAccount: "nl91 abna 0417 1643 00", remittance: "Invoice 2026-0042 thanks")],
            payments: [payment("P1", 4_990, executed: "2026-03-10", remittance: "INVOICE 2026-0042")])
        // The value date is on the execution date: 0.35 + 0.15 + 0.4 account + 0.05 remittance.
        XCTAssertEqual(result.matches.first?.score, 0.95)
        XCTAssertEqual(result.matches.first?.reasons,
                       [.amountEqual, .dateWithinWindow, .counterpartyAccountEqual, .remittanceMatched])
    }

    func testAmountAndDateAloneAreNotEnough() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", -4_990, name: "Completely Different Ltd")],
            payments: [payment("P1", 4_990, creditor: "ACME Trading GmbH")])
        XCTAssertEqual(result.matches, [])
        XCTAssertEqual(result.unmatchedTransactionIds, ["T1"])
        XCTAssertEqual(result.unmatchedPaymentIds, ["P1"])
    }

    func testDateOutsideWindowGivesNothing() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", -4_990, booked: "2026-03-14", name: "Acme Trading")],
            payments: [payment("P1", 4_990, executed: "2026-03-10", creditor: "ACME Trading GmbH")])
        XCTAssertEqual(result.matches, [])
        XCTAssertEqual(result.unmatchedTransactionIds, ["T1"])
        let wider = Reconciler(policy: MatchingPolicy(dateWindowDays: 4))
            .reconcile(transactions: [transaction("T1", -4_990, booked: "2026-03-14", name: "Acme Trading")],
                       payments: [payment("P1", 4_990, executed: "2026-03-10", creditor: "ACME Trading GmbH")])
        XCTAssertEqual(wider.suggestions.map(\.target), [.payment("P1")])
    }

    func testOtherAmountOrCreditIsNotSuggested() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", -4_991, name: "Acme Trading"), transaction("T2", 4_990, name: "Acme Trading")],
            payments: [payment("P1", 4_990, creditor: "ACME Trading GmbH")])
        XCTAssertEqual(result.matches, [])
    }

    func testBestSuggestionWinsAndTiesAreListed() {
        let payments = [
            payment("P-far", 2_000, executed: "2026-03-07", creditor: "Acme Trading"),
            payment("P-near-b", 2_000, executed: "2026-03-10", creditor: "Acme Trading"),
            payment("P-near-a", 2_000, executed: "2026-03-10", creditor: "ACME TRADING LTD"),
            payment("P-other", 2_000, executed: "2026-03-10", creditor: "Zeta Holdings"),
        ]
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<10 {
            let result = reconciler.reconcile(transactions: [transaction("T1", -2_000, name: "Acme Trading")],
                                              payments: payments.shuffled(using: &generator))
            XCTAssertEqual(result.matches, [ReconciliationMatch(
                transactionId: "T1", target: .payment("P-near-a"), kind: .suggested, score: 0.85,
                reasons: [.amountEqual, .dateWithinWindow, .counterpartyNameSimilar],
                alternatives: [.payment("P-near-b")])])
            XCTAssertEqual(result.unmatchedPaymentIds, ["P-far", "P-near-b", "P-other"])
        }
    }

    func testExactlyMatchedPaymentsAreNotSuggestedAgain() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", -2_000, endToEndId: "E2E-P1"), transaction("T2", -2_000, name: "Acme")],
            payments: [payment("P1", 2_000, creditor: "Acme")])
        XCTAssertEqual(result.matches.map(\.kind), [.exact])
        XCTAssertEqual(result.unmatchedTransactionIds, ["T2"])
    }

    func testMullerAndMuellerAreTheSameNameAfterTransliteration() {
        let result = reconciler.reconcile(
            transactions: [transaction("T1", -2_000, name: "MUELLER")],
            payments: [payment("P1", 2_000, creditor: "Müller GmbH")])
        XCTAssertEqual(result.suggestions.map(\.target), [.payment("P1")])
    }
}

final class CounterpartyNameTests: XCTestCase {
    func testLegalFormsPunctuationAndCaseAreIgnored() {
        XCTAssertEqual(CounterpartyName.similarity("ACME Trading GmbH", "Acme Trading"), 1)
        XCTAssertEqual(CounterpartyName.tokens(of: "Dupont et Fils S.A.R.L."), ["dupont", "fils"])
        XCTAssertEqual(CounterpartyName.tokens(of: "Peeters & Co. NV"), ["peeters"])
        XCTAssertEqual(CounterpartyName.tokens(of: "上海某某贸易有限公司"), ["上海某某贸易"])
        XCTAssertEqual(CounterpartyName.similarity("上海某某贸易有限公司", "上海某某贸易"), 1)
    }

    func testTransliteration() {
        XCTAssertEqual(CounterpartyName.tokens(of: "Müller GmbH"), ["mueller"])
        XCTAssertEqual(CounterpartyName.tokens(of: "Mu\u{0308}ller"), ["mueller"], "decomposed umlaut")
        XCTAssertEqual(CounterpartyName.tokens(of: "Suministros García SL"), ["suministros", "garcia"])
        XCTAssertEqual(CounterpartyName.tokens(of: "Straße"), ["strasse"])
    }

    func testDifferentNamesScoreLow() {
        XCTAssertEqual(CounterpartyName.similarity("Müller GmbH", "Schmidt GmbH"), 0)
        XCTAssertEqual(CounterpartyName.similarity("GmbH", "GmbH"), 0, "legal forms alone say nothing")
        XCTAssertEqual(CounterpartyName.similarity("Acme Trading", "Acme Logistics"), 0.5)
        XCTAssertEqual(CounterpartyName.similarity("", "Acme"), 0)
    }
}
