import BankGateCore

/// The key of an attribute bucket: account, currency and signed amount.
struct AmountKey: Hashable {
    var accountId: String
    var currency: Currency
    var minorUnits: Int64
}

/// The key of an account's list of expected amount ranges.
struct AccountKey: Hashable {
    var accountId: String
    var currency: Currency
}

/// What a transaction offers for attribute comparison, worked out once and only when needed.
struct TransactionProfile {
    private let name: String?
    private let counterpartyAccount: String?
    private let remittanceInformation: String?
    private(set) lazy var nameTokens: Set<String> = name.map { CounterpartyName.tokens(of: $0) } ?? []
    private(set) lazy var account: String? = CounterpartyAccount.normalized(counterpartyAccount)
    private(set) lazy var remittance: [UInt8] = ReferenceText.folded(remittanceInformation)

    init(_ transaction: BankTransactionCandidate) {
        name = transaction.counterpartyName
        counterpartyAccount = transaction.counterpartyAccount
        remittanceInformation = transaction.remittanceInformation
    }
}

extension MatchingRun {
    /// Rules 4 to 6: keeps the best suggestion per transaction and target type.
    mutating func suggest() {
        let paymentBuckets = attributeBucketsForPayments()
        let (expectedBuckets, expectedRanges) = attributeBucketsForExpectedPayments()
        var paymentTokens: [Int: Set<String>] = [:]
        var expectedTokens: [Int: Set<String>] = [:]
        let window = policy.dateWindowDays
        var candidates: [Candidate] = []

        for t in transactionOrder where exactPayment[t] < 0 && exactExpected[t] < 0 {
            let amount = transactions[t].amount.minorUnits
            let accountId = transactions[t].accountId
            let currency = transactions[t].amount.currency
            var profile = TransactionProfile(transactions[t])

            candidates = paymentLeads[t] ?? []
            let days = [bookingDays[t], valueDays[t]].compactMap { $0 }
            if amount < 0, let low = days.min(), let high = days.max(),
               let bucket = paymentBuckets[AmountKey(accountId: accountId, currency: currency, minorUnits: amount)] {
                var position = firstPosition(in: bucket, from: low.daysSinceEpoch - window)
                while position < bucket.count, let day = executionDays[Int(bucket[position])], day.daysSinceEpoch <= high.daysSinceEpoch + window {
                    let p = Int(bucket[position])
                    position += 1
                    let distance = days.map { abs($0.distance(to: day)) }.min() ?? Int.max
                    guard distance <= window else { continue }
                    let dateScore = 0.1 + 0.05 * (1 - Double(distance) / Double(max(window, 1)))
                    let payment = payments[p]
                    if paymentTokens[p] == nil { paymentTokens[p] = CounterpartyName.tokens(of: payment.creditorName) }
                    let remittance = ReferenceText.folded(payment.remittanceInformation)
                    let remittanceFound = remittance.count >= policy.minimumReferenceLength
                        && ReferenceText.contains(profile.remittance, remittance)
                    if let candidate = attributeCandidate(
                        target: p, base: [.amountEqual, .dateWithinWindow], dateScore: dateScore, profile: &profile,
                        account: payment.creditorAccount, tokens: paymentTokens[p] ?? [], remittanceFound: remittanceFound) {
                        candidates.append(candidate)
                    }
                }
            }
            if let best = MatchingRun.best(of: candidates, precedes: paymentOrder.precedes) { paymentSuggestion[t] = best }

            guard amount > 0 else { continue }
            candidates = expectedLeads[t] ?? []
            let key = AccountKey(accountId: accountId, currency: currency)
            var pool = expectedBuckets[AmountKey(accountId: key.accountId, currency: key.currency, minorUnits: amount)] ?? []
            for e in expectedRanges[key] ?? [] {
                guard case .range(let range) = expected[Int(e)].amount, range.lowerBound <= amount else { break }
                if range.upperBound >= amount { pool.append(e) }
            }
            for e32 in pool {
                let e = Int(e32)
                guard !expectedTaken[e], bookedInWindow(transaction: t, expected: e) else { continue }
                if expectedTokens[e] == nil { expectedTokens[e] = expected[e].counterpartyName.map { CounterpartyName.tokens(of: $0) } ?? [] }
                if let candidate = attributeCandidate(
                    target: e, base: amountReason(expected: e).union(.dateWithinWindow), dateScore: 0.15, profile: &profile,
                    account: expected[e].counterpartyAccount, tokens: expectedTokens[e] ?? [], remittanceFound: false) {
                    candidates.append(candidate)
                }
            }
            if let best = MatchingRun.best(of: candidates, precedes: expectedOrder.precedes) { expectedSuggestion[t] = best }
        }

        for (t, others) in paymentRunnersUp {
            let free = others.filter { !paymentTaken[$0.target] }
            guard let first = free.first else { continue }
            let amountEqual = transactions[t].amount.minorUnits == 0 &- payments[first.target].amount.minorUnits
            paymentSuggestion[t] = Suggestion(
                target: first.target, score: 0.9,
                reasons: first.reasons.union([amountEqual ? .amountEqual : .idMatchedAmountDiffers, .ambiguous]),
                alternatives: free.dropFirst().map(\.target))
        }
        for (t, others) in expectedRunnersUp {
            let free = others.filter { !expectedTaken[$0] }
            guard let first = free.first else { continue }
            expectedSuggestion[t] = Suggestion(target: first, score: 0.9,
                                               reasons: amountReason(expected: first).union([.referenceFound, .dateWithinWindow, .ambiguous]),
                                               alternatives: Array(free.dropFirst()))
        }
    }

    /// The candidate for rule 5, or `nil` below the policy's minimum score.
    private func attributeCandidate(target: Int, base: ReasonSet, dateScore: Double, profile: inout TransactionProfile,
                                    account: String?, tokens: Set<String>, remittanceFound: Bool) -> Candidate? {
        var reasons = base
        var score = 0.35 + dateScore
        if let mine = profile.account, CounterpartyAccount.normalized(account) == mine {
            score += 0.4
            reasons.formUnion(.counterpartyAccountEqual)
        }
        if !tokens.isEmpty {
            let similarity = CounterpartyName.similarity(profile.nameTokens, tokens)
            if similarity > 0 && similarity >= policy.minimumNameSimilarity {
                score += 0.35 * similarity
                reasons.formUnion(.counterpartyNameSimilar)
            }
        }
        if remittanceFound {
            score += 0.05
            reasons.formUnion(.remittanceMatched)
        }
        let rounded = (min(score, 0.99) * 1000).rounded() / 1000
        guard rounded >= policy.minimumSuggestionScore else { return nil }
        return Candidate(target: target, score: rounded, reasons: reasons)
    }

    /// The best-scoring candidate, with the equally scored others as alternatives.
    static func best(of candidates: [Candidate], precedes: (Int, Int) -> Bool) -> Suggestion? {
        guard !candidates.isEmpty else { return nil }
        var byTarget: [Int: Candidate] = [:]
        for candidate in candidates where candidate.score > (byTarget[candidate.target]?.score ?? -1) {
            byTarget[candidate.target] = candidate
        }
        let ranked = byTarget.values.sorted { a, b in a.score != b.score ? a.score > b.score : precedes(a.target, b.target) }
        let top = ranked[0]
        return Suggestion(target: top.target, score: top.score, reasons: top.reasons,
                          alternatives: ranked.dropFirst().prefix { $0.score == top.score }.map(\.target))
    }

    /// Payments without an exact match, bucketed by (account, currency, debit amount), each bucket
    /// sorted by (execution date, id). Payments without a valid date or a positive amount are left out.
    private func attributeBucketsForPayments() -> [AmountKey: [Int32]] {
        var buckets: [AmountKey: [Int32]] = [:]
        for p in payments.indices where !paymentTaken[p] && payments[p].amount.minorUnits > 0 && executionDays[p] != nil {
            let payment = payments[p]
            buckets[AmountKey(accountId: payment.accountId, currency: payment.amount.currency,
                              minorUnits: 0 &- payment.amount.minorUnits), default: []].append(Int32(p))
        }
        for key in buckets.keys {
            buckets[key]?.sort { paymentOrder.precedes(Int($0), Int($1)) }
        }
        return buckets
    }

    /// Expected payments without an exact match: exact amounts bucketed by (account, currency,
    /// amount); ranges listed per (account, currency) by lower bound, so a lookup stops at the first
    /// range starting above the amount.
    private func attributeBucketsForExpectedPayments() -> ([AmountKey: [Int32]], [AccountKey: [Int32]]) {
        var exact: [AmountKey: [Int32]] = [:]
        var ranges: [AccountKey: [Int32]] = [:]
        for e in expected.indices where !expectedTaken[e] {
            let item = expected[e]
            switch item.amount {
            case .exact(let minorUnits):
                exact[AmountKey(accountId: item.accountId, currency: item.currency, minorUnits: minorUnits), default: []]
                    .append(Int32(e))
            case .range:
                ranges[AccountKey(accountId: item.accountId, currency: item.currency), default: []].append(Int32(e))
            }
        }
        for key in ranges.keys {
            ranges[key]?.sort { a, b in
                let (lowA, lowB) = (lowerBound(Int(a)), lowerBound(Int(b)))
                return lowA != lowB ? lowA < lowB : expectedOrder.precedes(Int(a), Int(b))
            }
        }
        return (exact, ranges)
    }

    private func lowerBound(_ e: Int) -> Int64 {
        switch expected[e].amount {
        case .exact(let value): value
        case .range(let range): range.lowerBound
        }
    }

    /// The first position in `bucket` (sorted by execution date) whose date is on or after `day`.
    private func firstPosition(in bucket: [Int32], from day: Int) -> Int {
        var (low, high) = (0, bucket.count)
        while low < high {
            let middle = (low + high) / 2
            if (executionDays[Int(bucket[middle])]?.daysSinceEpoch ?? Int.max) < day { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
