import BankGateCore

/// The evidence of a match as a bit set over ``MatchReason`` (bit = declaration order), cheap to
/// build on the hot path and turned into codes once per match.
struct ReasonSet: OptionSet, Hashable, Sendable {
    let rawValue: UInt32

    init(rawValue: UInt32) { self.rawValue = rawValue }

    init(_ reason: MatchReason) {
        rawValue = 1 << UInt32(MatchReason.allCases.firstIndex(of: reason)!)
    }

    static let endToEndId = ReasonSet(.endToEndIdEqual)
    static let instructionId = ReasonSet(.instructionIdEqual)
    static let bankReference = ReasonSet(.bankReferenceEqual)
    static let referenceFound = ReasonSet(.referenceFound)
    static let amountEqual = ReasonSet(.amountEqual)
    static let amountInRange = ReasonSet(.amountInRange)
    static let idMatchedAmountDiffers = ReasonSet(.idMatchedAmountDiffers)
    static let referenceMatchedAmountDiffers = ReasonSet(.referenceMatchedAmountDiffers)
    static let directionReversed = ReasonSet(.directionReversed)
    static let dateWithinWindow = ReasonSet(.dateWithinWindow)
    static let counterpartyAccountEqual = ReasonSet(.counterpartyAccountEqual)
    static let counterpartyNameSimilar = ReasonSet(.counterpartyNameSimilar)
    static let remittanceMatched = ReasonSet(.remittanceMatched)
    static let ambiguous = ReasonSet(.ambiguous)

    /// The codes, in declaration order.
    var reasons: [MatchReason] {
        MatchReason.allCases.enumerated().compactMap { bit, reason in
            rawValue & (1 << UInt32(bit)) != 0 ? reason : nil
        }
    }
}

/// A possible pairing of one transaction with one target, while a suggestion is being chosen.
struct Candidate {
    var target: Int
    var score: Double
    var reasons: ReasonSet
}

/// The suggestion kept for a transaction and one target type.
struct Suggestion {
    var target: Int
    var score: Double
    var reasons: ReasonSet
    var alternatives: [Int]
}

/// An order over payments or expected payments: by a date (missing dates last), then by id. Kept
/// apart from ``MatchingRun`` so that passing it as a closure copies two arrays, not the whole run.
struct TargetOrder {
    let days: [Int]
    let ids: [String]

    init(days: [CalendarDay?], ids: [String]) {
        self.days = days.map { $0?.daysSinceEpoch ?? Int.max }
        self.ids = ids
    }

    /// Whether target `a` comes before target `b`.
    func precedes(_ a: Int, _ b: Int) -> Bool {
        days[a] != days[b] ? days[a] < days[b] : ids[a] < ids[b]
    }
}

/// The state of one ``Reconciler/reconcile(transactions:payments:expectedPayments:)`` call: the
/// inputs with their parsed dates, and the decisions so far, by position in the input arrays.
struct MatchingRun {
    let policy: MatchingPolicy
    let transactions: [BankTransactionCandidate]
    let payments: [PaymentCandidate]
    let expected: [ExpectedPaymentCandidate]

    let bookingDays: [CalendarDay?]
    let valueDays: [CalendarDay?]
    let executionDays: [CalendarDay?]
    let windowStarts: [CalendarDay?]
    let windowEnds: [CalendarDay?]
    /// Transaction positions by (booking date, id).
    let transactionOrder: [Int]
    /// Payments by (execution date, id).
    let paymentOrder: TargetOrder
    /// Expected payments by (window start, id).
    let expectedOrder: TargetOrder

    /// Per transaction: the payment it matched exactly, or -1.
    var exactPayment: [Int32]
    /// Per transaction: the expected payment it matched exactly, or -1.
    var exactExpected: [Int32]
    /// Per transaction: the evidence of its exact match.
    var exactReasons: [ReasonSet]
    var paymentTaken: [Bool]
    var expectedTaken: [Bool]
    /// Suggestions found while matching exactly (identifier without amount, ambiguity), by transaction.
    var paymentLeads: [Int: [Candidate]] = [:]
    var expectedLeads: [Int: [Candidate]] = [:]
    /// Exactly matched transactions that qualified for further targets, which may stay free.
    var paymentRunnersUp: [(transaction: Int, targets: [Candidate])] = []
    var expectedRunnersUp: [(transaction: Int, targets: [Int])] = []
    /// The suggestion kept per transaction and target type.
    var paymentSuggestion: [Int: Suggestion] = [:]
    var expectedSuggestion: [Int: Suggestion] = [:]

    init(policy: MatchingPolicy, transactions: [BankTransactionCandidate], payments: [PaymentCandidate],
         expected: [ExpectedPaymentCandidate]) {
        self.policy = policy
        self.transactions = transactions
        self.payments = payments
        self.expected = expected
        bookingDays = transactions.map { CalendarDay($0.bookingDate) }
        valueDays = transactions.map { $0.valueDate.flatMap(CalendarDay.init) }
        executionDays = payments.map { CalendarDay($0.executionDate) }
        windowStarts = expected.map { CalendarDay($0.from) }
        windowEnds = expected.map { CalendarDay($0.to) }
        let booking = bookingDays.map { $0?.daysSinceEpoch ?? Int.max }
        transactionOrder = transactions.indices.sorted { a, b in
            booking[a] != booking[b] ? booking[a] < booking[b] : transactions[a].id < transactions[b].id
        }
        paymentOrder = TargetOrder(days: executionDays, ids: payments.map(\.id))
        expectedOrder = TargetOrder(days: windowStarts, ids: expected.map(\.id))
        exactPayment = Array(repeating: -1, count: transactions.count)
        exactExpected = Array(repeating: -1, count: transactions.count)
        exactReasons = Array(repeating: [], count: transactions.count)
        paymentTaken = Array(repeating: false, count: payments.count)
        expectedTaken = Array(repeating: false, count: expected.count)
    }

    /// Whether transaction `t` and payment `p` are on the same account in the same currency.
    func sameAccount(transaction t: Int, payment p: Int) -> Bool {
        transactions[t].accountId == payments[p].accountId && transactions[t].amount.currency == payments[p].amount.currency
    }

    /// Whether transaction `t` and expected payment `e` are on the same account in the same currency.
    func sameAccount(transaction t: Int, expected e: Int) -> Bool {
        transactions[t].accountId == expected[e].accountId && transactions[t].amount.currency == expected[e].currency
    }

    /// Whether transaction `t` was booked within the window of expected payment `e`.
    func bookedInWindow(transaction t: Int, expected e: Int) -> Bool {
        guard let day = bookingDays[t], let start = windowStarts[e], let end = windowEnds[e] else { return false }
        return start <= day && day <= end
    }

    /// The result, in the documented order.
    func result() -> ReconciliationResult {
        var matches: [ReconciliationMatch] = []
        matches.reserveCapacity(transactions.count)
        var unmatchedTransactions: [String] = []
        var paymentNamed = Array(repeating: false, count: payments.count)
        var expectedNamed = Array(repeating: false, count: expected.count)
        var reasonCodes: [UInt32: [MatchReason]] = [:]
        func codes(_ set: ReasonSet) -> [MatchReason] {
            if let cached = reasonCodes[set.rawValue] { return cached }
            let list = set.reasons
            reasonCodes[set.rawValue] = list
            return list
        }
        for t in transactionOrder {
            let id = transactions[t].id
            let before = matches.count
            if exactPayment[t] >= 0 {
                let p = Int(exactPayment[t])
                paymentNamed[p] = true
                matches.append(ReconciliationMatch(transactionId: id, target: .payment(payments[p].id), kind: .exact,
                                                   score: 1, reasons: codes(exactReasons[t])))
            }
            if exactExpected[t] >= 0 {
                let e = Int(exactExpected[t])
                expectedNamed[e] = true
                matches.append(ReconciliationMatch(transactionId: id, target: .expectedPayment(expected[e].id),
                                                   kind: .exact, score: 1, reasons: codes(exactReasons[t])))
            }
            if let suggestion = paymentSuggestion[t] {
                paymentNamed[suggestion.target] = true
                matches.append(ReconciliationMatch(
                    transactionId: id, target: .payment(payments[suggestion.target].id), kind: .suggested,
                    score: suggestion.score, reasons: codes(suggestion.reasons),
                    alternatives: suggestion.alternatives.map { .payment(payments[$0].id) }))
            }
            if let suggestion = expectedSuggestion[t] {
                expectedNamed[suggestion.target] = true
                matches.append(ReconciliationMatch(
                    transactionId: id, target: .expectedPayment(expected[suggestion.target].id), kind: .suggested,
                    score: suggestion.score, reasons: codes(suggestion.reasons),
                    alternatives: suggestion.alternatives.map { .expectedPayment(expected[$0].id) }))
            }
            if matches.count == before { unmatchedTransactions.append(id) }
        }
        let unmatchedPayments = payments.indices.filter { !paymentNamed[$0] }.sorted(by: paymentOrder.precedes).map { payments[$0].id }
        let unmatchedExpected = expected.indices.filter { !expectedNamed[$0] }.sorted(by: expectedOrder.precedes).map { expected[$0].id }
        let open = expected.indices.filter { !expectedTaken[$0] }.sorted { a, b in
            let (endA, endB) = (windowEnds[a]?.daysSinceEpoch ?? Int.max, windowEnds[b]?.daysSinceEpoch ?? Int.max)
            return endA != endB ? endA < endB : expected[a].id < expected[b].id
        }.map { ReconciliationResult.OpenExpectation(id: expected[$0].id, lastDay: windowEnds[$0]) }
        return ReconciliationResult(matches: matches, unmatchedTransactionIds: unmatchedTransactions,
                                    unmatchedPaymentIds: unmatchedPayments, unmatchedExpectedPaymentIds: unmatchedExpected,
                                    openExpectations: open)
    }
}
