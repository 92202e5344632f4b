public import BankGateCore
public import BankGateReconciliation
public import BankGateStore

/// What one reconciliation pass did.
public struct ReconciliationPassSummary: Sendable, Hashable {
    public var transactionsConsidered: Int
    public var exactMatches: Int
    public var suggestions: Int
    public var overdueExpectedPayments: Int
}

/// Runs the matcher (``Reconciler``) over what the store holds unmatched and records its
/// proposals: exact matches are confirmed at once, suggestions wait for an operator.
public struct ReconciliationRunner: Sendable {
    let store: ReconciliationStore
    let reconciler: Reconciler
    let clock: any WallClock

    /// Proposals recorded per store transaction.
    static let recordChunk = 500

    public init(store: ReconciliationStore, policy: MatchingPolicy = .standard, clock: any WallClock) {
        self.store = store
        self.reconciler = Reconciler(policy: policy)
        self.clock = clock
    }

    /// One pass over one account (or all): match, record, and mark expected payments whose window
    /// has ended as overdue.
    @discardableResult
    public func run(accountId: String? = nil) async throws -> ReconciliationPassSummary {
        let transactions = try await store.unmatchedTransactions(accountId: accountId)
        var summary = ReconciliationPassSummary(transactionsConsidered: transactions.count, exactMatches: 0, suggestions: 0,
                                                overdueExpectedPayments: 0)
        if !transactions.isEmpty {
            let payments = try await store.unmatchedPayments(accountId: accountId)
            let expected = try await store.unmatchedExpectedPayments(accountId: accountId)
            let result = reconciler.reconcile(
                transactions: transactions.compactMap(Self.candidate),
                payments: payments.map(Self.candidate),
                expectedPayments: expected.map(Self.candidate))
            let proposals = result.matches.map { match in
                MatchProposal(transactionId: match.transactionId, target: Self.target(match.target), kind: match.kind.rawValue,
                              scorePermille: Int((match.score * 1000).rounded()), reasons: match.reasons.map(\.rawValue))
            }
            // In chunks, so that the store's single writer is not held for long by a large pass.
            var start = 0
            while start < proposals.count {
                let chunk = Array(proposals[start..<min(start + Self.recordChunk, proposals.count)])
                let recorded = try await store.record(chunk, at: clock.now())
                summary.exactMatches += recorded.filter { $0.state == .confirmed }.count
                summary.suggestions += recorded.filter { $0.state == .suggested }.count
                start += Self.recordChunk
            }
        }
        summary.overdueExpectedPayments = try await store.markOverdue(before: clock.now().dateString, at: clock.now()).count
        return summary
    }

    static func candidate(_ record: BankTransactionRecord) -> BankTransactionCandidate? {
        let draft = record.draft
        guard let date = draft.bookingDate ?? draft.valueDate else { return nil }
        return BankTransactionCandidate(
            id: record.id, accountId: record.accountId, bookingDate: date, valueDate: draft.valueDate, amount: draft.amount,
            endToEndId: draft.endToEndId, instructionId: draft.instructionId,
            bankReference: draft.accountServicerReference ?? draft.bankReference, counterpartyName: draft.counterpartyName,
            counterpartyAccount: draft.counterpartyAccount, remittanceInformation: draft.remittanceInfo,
            structuredReference: draft.structuredReference)
    }

    static func candidate(_ payment: PaymentMatchCandidate) -> PaymentCandidate {
        PaymentCandidate(id: payment.id, accountId: payment.accountId, amount: payment.amount, endToEndId: payment.endToEndId,
                         instructionId: payment.instructionId, messageId: payment.messageId, executionDate: payment.executionDate,
                         creditorName: payment.creditorName, creditorAccount: payment.creditorAccount,
                         remittanceInformation: payment.remittanceInfo)
    }

    static func candidate(_ expected: ExpectedPaymentRecord) -> ExpectedPaymentCandidate {
        let amount: ExpectedAmount = expected.amountMin == expected.amountMax
            ? .exact(expected.amountMin) : .range(expected.amountMin...expected.amountMax)
        return ExpectedPaymentCandidate(id: expected.id, accountId: expected.accountId, currency: expected.currency, amount: amount,
                                        counterpartyName: expected.counterpartyName, counterpartyAccount: expected.counterpartyAccount,
                                        reference: expected.reference, from: expected.windowFrom, to: expected.windowTo)
    }

    static func target(_ target: ReconciliationTarget) -> MatchTarget {
        switch target {
        case .payment(let id): .payment(id)
        case .expectedPayment(let id): .expectedPayment(id)
        }
    }
}

/// The daily balance reconciliation (余额调节表) of one account, built from the store.
public enum BalanceReconciliationBuilder {
    /// The reconciliation of `accountId` on `date`, or nil when there is no end-of-day statement yet.
    public static func build(store: ReconciliationStore, accountId: String, date: String) async throws -> BalanceReconciliation? {
        guard let inputs = try await store.balanceReconciliationInputs(accountId: accountId, date: date) else { return nil }
        var movements: [ReconciliationItem] = []
        var outstanding: [ReconciliationItem] = []
        var inTransit: [ReconciliationItem] = []
        for payment in inputs.payments {
            let debit = Money(minorUnits: -payment.amount.minorUnits, currency: payment.amount.currency)
            movements.append(ReconciliationItem(id: payment.id, date: payment.executionDate, amount: debit,
                                                description: "payment to \(payment.creditor)"))
            if payment.bookedOn == nil {
                outstanding.append(ReconciliationItem(id: payment.id, date: payment.executionDate, amount: payment.amount,
                                                      description: "payment to \(payment.creditor), not yet booked by the bank"))
            }
        }
        for expected in inputs.expected {
            let amount = expected.booked?.amount ?? expected.amount
            let date = max(expected.windowFrom, inputs.anchorDate)
            movements.append(ReconciliationItem(id: expected.id, date: date, amount: amount,
                                                description: "expected from \(expected.counterparty ?? "counterparty")"))
            if expected.booked == nil {
                inTransit.append(ReconciliationItem(id: expected.id, date: date, amount: amount,
                                                    description: "expected from \(expected.counterparty ?? "counterparty"), not yet received"))
            }
        }
        var credits: [ReconciliationItem] = []
        var debits: [ReconciliationItem] = []
        for transaction in inputs.unmatchedTransactions {
            let magnitude = Money(minorUnits: abs(transaction.amount.minorUnits), currency: transaction.amount.currency)
            let item = ReconciliationItem(id: transaction.id, date: transaction.bookingDate, amount: magnitude,
                                          description: transaction.description)
            if transaction.amount.minorUnits >= 0 { credits.append(item) } else { debits.append(item) }
        }
        var report = try BalanceReconciliation.compute(
            accountId: accountId, date: date, bankBalance: inputs.bankBalance, anchorBalance: inputs.anchorBalance,
            ledgerMovements: movements, outstandingPayments: outstanding, receiptsInTransit: inTransit,
            unmatchedBankCredits: credits, unmatchedBankDebits: debits)
        report.heldStatements = inputs.heldStatements
        return report
    }
}
