import BankGateCore
import BankGateEngine
import BankGateReconciliation
import BankGateStore

/// JSON of the account side: transactions, statements, matches, expected payments, webhooks,
/// the balance reconciliation and the payment trace.
extension JSONWriter {
    mutating func bankTransaction(_ record: BankTransactionRecord) {
        let draft = record.draft
        beginObject()
        field("id", record.id)
        field("account", record.accountId)
        field("statement_id", "stm_\(record.statementRow)")
        field("bank_statement_id", draft.statementId)
        field("sequence", draft.sequence)
        field("booking_date", draft.bookingDate)
        field("value_date", draft.valueDate)
        field("amount", draft.amount.decimalString)
        field("currency", draft.amount.currency.code)
        field("credit_debit", draft.amount.minorUnits < 0 ? "DBIT" : "CRDT")
        field("status", draft.status)
        key("reversal")
        bool(draft.reversal)
        field("bank_reference", draft.bankReference)
        field("account_servicer_reference", draft.accountServicerReference)
        field("end_to_end_id", draft.endToEndId)
        field("instruction_id", draft.instructionId)
        field("message_id", draft.messageId)
        field("payment_info_id", draft.paymentInfoId)
        field("uetr", draft.uetr)
        field("counterparty_name", draft.counterpartyName)
        field("counterparty_account", draft.counterpartyAccount)
        field("counterparty_bank", draft.counterpartyBank)
        field("remittance_info", draft.remittanceInfo)
        field("structured_reference", draft.structuredReference)
        key("bank_transaction_code")
        beginObject()
        field("domain", draft.codeDomain)
        field("family", draft.codeFamily)
        field("sub_family", draft.codeSubFamily)
        field("proprietary", draft.codeProprietary)
        endObject()
        field("balance_after", draft.balanceAfter.map { Money(minorUnits: $0, currency: draft.amount.currency).decimalString })
        field("match_state", record.matchState.rawValue)
        key("quarantined")
        bool(record.quarantined)
        field("source_line", draft.sourceLine)
        field("source_path", draft.sourcePath)
        field("identity", draft.identity)
        field("created_at", record.createdAt.iso8601)
        endObject()
    }

    /// One statement; `archivedMessageIds`: the archived messages that brought it, whose exchange
    /// `GET /v1/statements/{id}/messages` shows.
    mutating func statement(_ record: StatementRecord, archivedMessageIds: [Int64] = []) {
        let draft = record.draft
        func amount(_ minor: Int64?) -> String? { minor.map { Money(minorUnits: $0, currency: draft.currency).decimalString } }
        beginObject()
        field("id", record.id)
        field("account", draft.accountId)
        field("format", draft.format)
        field("report_kind", draft.reportKind.rawValue)
        field("message_id", draft.messageId)
        field("bank_statement_id", draft.statementId)
        field("electronic_sequence", draft.electronicSequence)
        field("legal_sequence", draft.legalSequence)
        field("date", draft.statementDate)
        field("currency", draft.currency.code)
        field("state", record.state)
        field("entries", record.completion?.entries)
        field("new_entries", record.newEntries)
        field("opening_balance", amount(record.completion?.openingBalance))
        field("closing_balance", amount(record.completion?.closingBalance))
        field("integrity", record.completion?.integrity.rawValue)
        field("expected_closing_balance", amount(record.completion?.expectedClosing))
        field("continuity", record.continuity.rawValue)
        field("review", record.review.rawValue)
        field("review_reason", record.reviewReason)
        field("warnings", record.warnings)
        field("source", draft.source.rawValue)
        field("source_name", draft.sourceName)
        field("received_at", record.receivedAt.iso8601)
        key("archived_message_ids")
        beginArray()
        for id in archivedMessageIds { integer(id) }
        endArray()
        field("messages_url", archivedMessageIds.isEmpty ? nil : "/v1/statements/\(record.id)/messages")
        endObject()
    }

    mutating func importResult(_ result: StatementImportResult) {
        beginObject()
        field("id", result.statementId)
        field("bank_statement_id", result.bankStatementId)
        if let member = result.archiveMember { field("member", member) }
        field("account", result.accountId)
        field("format", result.format)
        field("entries", result.entries)
        field("new_entries", result.newEntries)
        field("duplicates", result.duplicates)
        field("integrity", result.integrity.rawValue)
        field("continuity", result.continuity.rawValue)
        key("already_imported")
        bool(result.alreadyImported)
        field("review", result.review.rawValue)
        field("review_reason", result.reviewReason)
        field("warnings", result.warnings)
        if let gap = result.gap {
            key("gap")
            beginObject()
            field("id", gap.id)
            field("reason", gap.reason)
            field("from_sequence", gap.fromSequence)
            field("to_sequence", gap.toSequence)
            field("from_date", gap.fromDate)
            field("to_date", gap.toDate)
            endObject()
        }
        endObject()
    }

    mutating func match(_ match: MatchRecord) {
        beginObject()
        field("id", match.id)
        field("transaction_id", match.transactionId)
        field("target_kind", match.target.kind)
        field("target_id", match.target.id)
        field("kind", match.kind)
        field("score_permille", match.scorePermille)
        field("reasons", match.reasons)
        field("state", match.state.rawValue)
        field("created_at", match.createdAt.iso8601)
        field("decided_at", match.decidedAt?.iso8601)
        field("decided_by", match.decidedBy)
        endObject()
    }

    mutating func expectedPayment(_ record: ExpectedPaymentRecord) {
        beginObject()
        field("id", record.id)
        field("account", record.accountId)
        field("currency", record.currency.code)
        if record.amountMin == record.amountMax {
            field("amount", Money(minorUnits: record.amountMin, currency: record.currency).decimalString)
        } else {
            field("amount_min", Money(minorUnits: record.amountMin, currency: record.currency).decimalString)
            field("amount_max", Money(minorUnits: record.amountMax, currency: record.currency).decimalString)
        }
        key("counterparty")
        beginObject()
        field("name", record.counterpartyName)
        field("account", record.counterpartyAccount)
        endObject()
        field("reference", record.reference)
        field("from", record.windowFrom)
        field("to", record.windowTo)
        field("status", record.status.rawValue)
        field("created_at", record.createdAt.iso8601)
        field("updated_at", record.updatedAt.iso8601)
        endObject()
    }

    mutating func webhook(_ subscription: WebhookSubscription, showSecret: Bool) {
        beginObject()
        field("id", subscription.id)
        field("url", subscription.url)
        field("event_types", subscription.eventTypes)
        if showSecret { field("secret", subscription.secret) }
        field("state", subscription.state)
        field("delivered_through_sequence", subscription.cursor)
        field("consecutive_failures", subscription.consecutiveFailures)
        field("next_attempt_at", subscription.nextAttemptAt.milliseconds == 0 ? nil : subscription.nextAttemptAt.iso8601)
        field("last_error", subscription.lastError)
        field("last_delivered_at", subscription.lastDeliveredAt?.iso8601)
        field("created_by", subscription.createdBy)
        field("created_at", subscription.createdAt.iso8601)
        endObject()
    }

    mutating func balanceReconciliation(_ report: BalanceReconciliation) {
        func items(_ name: String, _ list: [ReconciliationItem]) {
            key(name)
            beginArray()
            for item in list {
                beginObject()
                field("id", item.id)
                field("date", item.date)
                field("amount", item.amount.decimalString)
                field("description", item.description)
                endObject()
            }
            endArray()
        }
        beginObject()
        field("account", report.accountId)
        field("date", report.date)
        field("currency", report.currency.code)
        key("bank_side")
        beginObject()
        field("statement_balance", report.bankBalance.decimalString)
        items("outstanding_payments", report.outstandingPayments)
        field("outstanding_payments_total", report.totalOutstandingPayments.decimalString)
        items("receipts_in_transit", report.receiptsInTransit)
        field("receipts_in_transit_total", report.totalReceiptsInTransit.decimalString)
        field("adjusted_balance", report.adjustedBankBalance.decimalString)
        endObject()
        key("ledger_side")
        beginObject()
        field("anchor_balance", report.anchorBalance.decimalString)
        field("movements", report.ledgerMovements.count)
        field("ledger_balance", report.ledgerBalance.decimalString)
        items("unmatched_bank_credits", report.unmatchedBankCredits)
        field("unmatched_bank_credits_total", report.totalUnmatchedBankCredits.decimalString)
        items("unmatched_bank_debits", report.unmatchedBankDebits)
        field("unmatched_bank_debits_total", report.totalUnmatchedBankDebits.decimalString)
        field("adjusted_balance", report.adjustedLedgerBalance.decimalString)
        endObject()
        field("difference", report.difference.decimalString)
        field("held_statements", report.heldStatements)
        key("balanced")
        bool(report.balanced)
        endObject()
    }

    mutating func trace(_ trace: PaymentTrace) {
        beginObject()
        field("payment_id", trace.payment.id)
        field("status", trace.payment.status.rawValue)
        field("end_to_end_id", trace.payment.endToEndId)
        field("message_id", trace.payment.messageId)
        key("steps")
        beginArray()
        for step in trace.steps {
            beginObject()
            field("kind", step.kind)
            field("at", step.at.iso8601)
            field("summary", step.summary)
            key("ids")
            beginObject()
            for (name, value) in step.identifiers { field(name, value) }
            endObject()
            endObject()
        }
        endArray()
        endObject()
    }
}
