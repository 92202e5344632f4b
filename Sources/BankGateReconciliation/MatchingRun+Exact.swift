import BankGateCore

/// The payments indexed by each kind of identifier.
struct PaymentIdentifierIndexes {
    let endToEndId: IdentifierIndex
    let instructionId: IdentifierIndex
    let bankReference: IdentifierIndex

    init(_ payments: [PaymentCandidate]) {
        endToEndId = IdentifierIndex(count: payments.count) { IdentifierKey.normalized(payments[$0].endToEndId) }
        instructionId = IdentifierIndex(count: payments.count) { IdentifierKey.normalized(payments[$0].instructionId) }
        bankReference = IdentifierIndex(count: payments.count) { IdentifierKey.normalized(payments[$0].bankReference) }
    }
}

extension MatchingRun {
    /// Rules 1, 3 and 4 for payments: pairs transactions with payments by identifier.
    mutating func matchPaymentsExactly() {
        guard !payments.isEmpty, !transactions.isEmpty else { return }
        let indexes = PaymentIdentifierIndexes(payments)
        var hits: [Candidate] = []
        var eligible: [Candidate] = []
        for t in transactionOrder {
            hits.removeAll(keepingCapacity: true)
            collect(IdentifierKey.normalized(transactions[t].endToEndId), in: indexes.endToEndId, as: .endToEndId,
                    transaction: t, into: &hits)
            collect(IdentifierKey.normalized(transactions[t].instructionId), in: indexes.instructionId,
                    as: .instructionId, transaction: t, into: &hits)
            collect(IdentifierKey.normalized(transactions[t].bankReference), in: indexes.bankReference,
                    as: .bankReference, transaction: t, into: &hits)
            guard !hits.isEmpty else { continue }

            let debit = transactions[t].amount.minorUnits
            eligible.removeAll(keepingCapacity: true)
            for hit in hits {
                let amount = payments[hit.target].amount.minorUnits
                let amountEqual = debit < 0 && amount > 0 && debit == 0 &- amount
                if amountEqual || (debit < 0 && !policy.identifierMatchRequiresEqualAmount) {
                    eligible.append(hit)
                } else {
                    var reasons = hit.reasons.union(.idMatchedAmountDiffers)
                    if debit > 0 { reasons.formUnion(.directionReversed) }
                    paymentLeads[t, default: []].append(Candidate(target: hit.target, score: 0.8, reasons: reasons))
                }
            }
            guard !eligible.isEmpty else { continue }
            if eligible.count > 1 { eligible.sort { paymentOrder.precedes($0.target, $1.target) } }
            if let free = eligible.firstIndex(where: { !paymentTaken[$0.target] }) {
                let p = eligible[free].target
                paymentTaken[p] = true
                exactPayment[t] = Int32(p)
                let amountEqual = debit == 0 &- payments[p].amount.minorUnits
                exactReasons[t] = eligible[free].reasons.union(amountEqual ? .amountEqual : .idMatchedAmountDiffers)
                if eligible.count > 1 {
                    paymentRunnersUp.append((t, eligible.enumerated().filter { $0.offset != free }.map(\.element)))
                }
            } else {
                for hit in eligible {
                    let amountEqual = debit == 0 &- payments[hit.target].amount.minorUnits
                    paymentLeads[t, default: []].append(Candidate(
                        target: hit.target, score: 0.9,
                        reasons: hit.reasons.union([amountEqual ? .amountEqual : .idMatchedAmountDiffers, .ambiguous])))
                }
            }
        }
    }

    /// Adds the payments indexed under `key` on the transaction's account and currency to `hits`,
    /// merging the reason when a payment is already there through another identifier.
    private func collect(_ key: String?, in index: IdentifierIndex, as reason: ReasonSet, transaction t: Int,
                         into hits: inout [Candidate]) {
        guard let key else { return }
        index.forEach(matching: key) { p in
            guard sameAccount(transaction: t, payment: p) else { return }
            if let existing = hits.firstIndex(where: { $0.target == p }) {
                hits[existing].reasons.formUnion(reason)
            } else {
                hits.append(Candidate(target: p, score: 1, reasons: reason))
            }
        }
    }

    /// Rules 2, 3 and 4 for expected payments: pairs credits with expectations by reference.
    mutating func matchExpectedPaymentsExactly() {
        guard !expected.isEmpty, !transactions.isEmpty else { return }
        let index = ReferenceIndex(patterns: expected.map { ReferenceText.folded($0.reference) },
                                   minimumLength: policy.minimumReferenceLength)
        guard !index.isEmpty else { return }
        var found: [Int] = []
        var eligible: [Int] = []
        for t in transactionOrder where exactPayment[t] < 0 && transactions[t].amount.minorUnits > 0 {
            let transaction = transactions[t]
            found.removeAll(keepingCapacity: true)
            index.search(ReferenceText.folded(transaction.endToEndId), into: &found)
            index.search(ReferenceText.folded(transaction.structuredReference), into: &found)
            index.search(ReferenceText.folded(transaction.remittanceInformation), into: &found)
            guard !found.isEmpty else { continue }
            if found.count > 1 {
                found.sort()
                found = found.enumerated().filter { $0.offset == 0 || found[$0.offset - 1] != $0.element }.map(\.element)
            }
            eligible.removeAll(keepingCapacity: true)
            for e in found where sameAccount(transaction: t, expected: e) && bookedInWindow(transaction: t, expected: e) {
                if expected[e].amount.contains(transaction.amount.minorUnits) {
                    eligible.append(e)
                } else {
                    expectedLeads[t, default: []].append(Candidate(
                        target: e, score: 0.8, reasons: [.referenceFound, .dateWithinWindow, .referenceMatchedAmountDiffers]))
                }
            }
            guard !eligible.isEmpty else { continue }
            if eligible.count > 1 { eligible.sort(by: expectedOrder.precedes) }
            if let free = eligible.firstIndex(where: { !expectedTaken[$0] }) {
                let e = eligible[free]
                expectedTaken[e] = true
                exactExpected[t] = Int32(e)
                exactReasons[t] = amountReason(expected: e).union([.referenceFound, .dateWithinWindow])
                if eligible.count > 1 {
                    expectedRunnersUp.append((t, eligible.enumerated().filter { $0.offset != free }.map(\.element)))
                }
            } else {
                expectedLeads[t, default: []].append(contentsOf: eligible.map {
                    Candidate(target: $0, score: 0.9,
                              reasons: amountReason(expected: $0).union([.referenceFound, .dateWithinWindow, .ambiguous]))
                })
            }
        }
    }

    /// `amount_equal` for an exact expected amount, `amount_in_range` for a range.
    func amountReason(expected e: Int) -> ReasonSet {
        if case .exact = expected[e].amount { return .amountEqual }
        return .amountInRange
    }
}
