import BankGateCrypto
import BankGateCore
import BankGateEngine
import BankGateStore
import Foundation

/// The API's JSON documents for payments: field names and shapes exactly as documented.
extension JSONWriter {
    /// Writes the members of a payment object (without the braces, so `history` can follow).
    mutating func paymentFields(_ record: PaymentRecord) {
        field("id", record.id)
        field("status", record.status.rawValue)
        field("debtor_account", record.debtorAccountId)
        field("amount", record.amount.decimalString)
        field("currency", record.amount.currency.code)
        key("creditor")
        beginObject()
        field("name", record.creditor.name)
        field("account", record.creditor.account)
        field("bank_code", record.creditor.bankCode)
        field("bank_name", record.creditor.bankName)
        field("bank_branch", record.creditor.bankBranch)
        key("address")
        if let address = record.creditor.address {
            beginObject()
            field("street", address.street)
            field("town", address.town)
            field("postal_code", address.postalCode)
            field("country", address.country)
            field("lines", address.lines)
            endObject()
        } else {
            null()
        }
        endObject()
        field("remittance_info", record.remittanceInfo)
        field("purpose", record.details.purpose)
        field("priority", record.details.priority?.rawValue)
        field("category_purpose", record.details.categoryPurpose)
        field("charge_bearer", record.details.chargeBearer?.rawValue)
        key("same_bank")
        if let sameBank = record.details.sameBank { bool(sameBank) } else { null() }
        field("end_to_end_id", record.endToEndId)
        field("instruction_id", record.instructionId)
        field("message_id", record.messageId)
        field("payment_info_id", record.paymentInfoId)
        field("batch_id", record.batchId)
        field("requested_execution_date", record.requestedExecutionDate)
        field("attempts", record.attempts)
        field("last_error", record.lastError)
        field("hold_reason", record.holdReason)
        field("suspected_duplicate_of", record.suspectedDuplicateOf)
        approvalField(record)
        field("bank_status", record.bankStatus)
        field("reason_code", record.reasonCode)
        field("reason_text", record.reasonText)
        field("created_at", record.createdAt.iso8601)
        field("updated_at", record.updatedAt.iso8601)
    }

    /// A payment object.
    mutating func payment(_ record: PaymentRecord) {
        beginObject()
        paymentFields(record)
        endObject()
    }

    /// A payment object with its `history`.
    mutating func paymentDetail(_ detail: PaymentDetail) {
        beginObject()
        paymentFields(detail.payment)
        key("history")
        beginArray()
        for transition in detail.history {
            beginObject()
            field("from", transition.from?.rawValue)
            field("to", transition.to.rawValue)
            field("at", transition.at.iso8601)
            field("cause", transition.cause.rawValue)
            field("reason", transition.reason)
            field("attempt", transition.attempt)
            field("bank_status", transition.bankStatus)
            field("reason_code", transition.reasonCode)
            endObject()
        }
        endArray()
        endObject()
    }

    /// A batch: its id, when it was accepted, its size, control sum and currency, the count of its
    /// payments in each status, and the payments.
    mutating func paymentBatch(_ batch: PaymentBatchDetail) {
        beginObject()
        field("id", batch.id)
        field("created_at", batch.createdAt.iso8601)
        field("count", batch.payments.count)
        field("control_sum", batch.controlSum)
        field("currency", batch.currency?.code)
        key("counts")
        statusCounts(batch.countsByStatus)
        key("payments")
        payments(batch.payments)
        endObject()
    }

    /// An array of payment objects.
    mutating func payments(_ records: [PaymentRecord]) {
        beginArray()
        for record in records { payment(record) }
        endArray()
    }

    /// One archived bank message: metadata, digest, and the body as text (when it is UTF-8) and
    /// as Base64 — or, for an inbox file archived as a copy, the copy's path in the data directory.
    mutating func message(_ message: ArchivedMessage) {
        beginObject()
        field("id", message.id)
        field("direction", message.direction.rawValue)
        field("bank_id", message.bankId)
        field("exchange", message.exchange?.rawValue)
        field("kind", message.kind)
        field("account", message.accountId)
        field("submission_id", message.submissionId)
        field("answers_message_id", message.requestId)
        field("attempt", message.attempt)
        field("http_status", message.httpStatus)
        field("at", message.at.iso8601)
        field("size", message.size)
        field("sha256", message.sha256)
        if message.isPrefix { field("stored_bytes", message.bytes.count) }
        if let storedFile = message.storedFile {
            field("stored_file", storedFile)
        } else {
            field("body", String(validating: message.bytes, as: UTF8.self))
            field("body_base64", Data(message.bytes).base64EncodedString())
        }
        endObject()
    }

    /// Counts by status as an object, in the order of ``PaymentStatus/allCases``.
    mutating func statusCounts(_ counts: [PaymentStatus: Int]) {
        beginObject()
        for status in PaymentStatus.allCases {
            if let count = counts[status] { field(status.rawValue, count) }
        }
        endObject()
    }

    /// The queue overview document.
    mutating func queue(_ overview: QueueOverview) {
        beginObject()
        key("counts")
        statusCounts(overview.countsByStatus)
        key("banks")
        beginArray()
        for bank in overview.banks {
            beginObject()
            field("bank_id", bank.bankId)
            key("counts")
            statusCounts(bank.countsByStatus)
            field("oldest_queued_age_seconds", bank.oldestQueuedAgeMilliseconds.map { $0 / 1000 })
            field("circuit", bank.circuit)
            field("in_flight", bank.inFlight)
            field("archived_messages", bank.archive.messages)
            field("archived_bytes", bank.archive.bytes)
            field("archived_prefixes", bank.archive.prefixes)
            bankHealth(bank, now: overview.generatedAt)
            endObject()
        }
        endArray()
        endObject()
    }
}
