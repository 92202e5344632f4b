import BankGateCore

/// An API document the operator commands read with BankGateCore's ``JSONObjectReader``: unknown
/// members are ignored, a missing required member or a wrong type is an error naming its path.
protocol APIDocument {
    init(_ object: JSONObjectReader) throws(JSONReadError)
}

/// The API's JSON documents as the operator commands read them (snake_case keys).
struct PaymentDocument: APIDocument {
    struct Creditor {
        var name: String
        var account: String
        var bankCode: String?
    }

    struct Transition {
        var from: String?
        var to: String
        var at: String
        var cause: String
        var reason: String?
        var attempt: Int
        var bankStatus: String?
        var reasonCode: String?
    }

    var id: String
    var status: String
    var debtorAccount: String
    var amount: String
    var currency: String
    var creditor: Creditor
    var remittanceInfo: String?
    var endToEndId: String?
    var instructionId: String?
    var messageId: String?
    var paymentInfoId: String?
    var batchId: String?
    var requestedExecutionDate: String?
    var attempts: Int?
    var lastError: String?
    /// Why a queued payment waits for a usable signing key.
    var holdReason: String?
    var bankStatus: String?
    var reasonCode: String?
    var reasonText: String?
    var createdAt: String?
    var updatedAt: String?
    /// Present on `GET /v1/payments/{id}`.
    var history: [Transition]?

    init(_ object: JSONObjectReader) throws(JSONReadError) {
        id = try object.required(object.string("id"), "id")
        status = try object.required(object.string("status"), "status")
        debtorAccount = try object.required(object.string("debtor_account"), "debtor_account")
        amount = try object.required(object.string("amount"), "amount")
        currency = try object.required(object.string("currency"), "currency")
        let creditor = try object.required(object.object("creditor"), "creditor")
        self.creditor = Creditor(name: try creditor.required(creditor.string("name"), "name"),
                                 account: try creditor.required(creditor.string("account"), "account"),
                                 bankCode: try creditor.string("bank_code"))
        remittanceInfo = try object.string("remittance_info")
        endToEndId = try object.string("end_to_end_id")
        instructionId = try object.string("instruction_id")
        messageId = try object.string("message_id")
        paymentInfoId = try object.string("payment_info_id")
        batchId = try object.string("batch_id")
        requestedExecutionDate = try object.string("requested_execution_date")
        attempts = try object.integer("attempts")
        lastError = try object.string("last_error")
        holdReason = try object.string("hold_reason")
        bankStatus = try object.string("bank_status")
        reasonCode = try object.string("reason_code")
        reasonText = try object.string("reason_text")
        createdAt = try object.string("created_at")
        updatedAt = try object.string("updated_at")
        var history: [Transition]?
        if let steps = try object.objects("history") {
            history = []
            for step in steps {
                history?.append(Transition(
                    from: try step.string("from"), to: try step.required(step.string("to"), "to"),
                    at: try step.required(step.string("at"), "at"), cause: try step.required(step.string("cause"), "cause"),
                    reason: try step.string("reason"), attempt: try step.required(step.integer("attempt"), "attempt"),
                    bankStatus: try step.string("bank_status"), reasonCode: try step.string("reason_code")))
            }
        }
        self.history = history
    }
}

/// `GET /v1/payments`.
struct PaymentListDocument: APIDocument {
    var payments: [PaymentDocument]
    var nextCursor: String?

    init(_ object: JSONObjectReader) throws(JSONReadError) {
        var payments: [PaymentDocument] = []
        for payment in try object.required(object.objects("payments"), "payments") {
            payments.append(try PaymentDocument(payment))
        }
        self.payments = payments
        nextCursor = try object.string("next_cursor")
    }
}

/// `GET /v1/payments/{id}/messages`.
struct MessageListDocument: APIDocument {
    struct Message {
        var id: Int64
        var direction: String
        var bankId: String
        /// `payment`, `status_query`… (absent for messages archived before the exchange was recorded).
        var exchange: String?
        var kind: String
        var attempt: Int?
        var httpStatus: Int?
        var at: String
        var size: Int
        var sha256: String
        var body: String?
        var bodyBase64: String?
        /// Where a large inbox file was copied, instead of a body.
        var storedFile: String?

        init(_ object: JSONObjectReader) throws(JSONReadError) {
            id = try object.required(object.integer("id", as: Int64.self), "id")
            direction = try object.required(object.string("direction"), "direction")
            bankId = try object.required(object.string("bank_id"), "bank_id")
            exchange = try object.string("exchange")
            kind = try object.required(object.string("kind"), "kind")
            attempt = try object.integer("attempt")
            httpStatus = try object.integer("http_status")
            at = try object.required(object.string("at"), "at")
            size = try object.required(object.integer("size"), "size")
            sha256 = try object.required(object.string("sha256"), "sha256")
            body = try object.string("body")
            bodyBase64 = try object.string("body_base64")
            storedFile = try object.string("stored_file")
        }
    }

    var messages: [Message]

    init(_ object: JSONObjectReader) throws(JSONReadError) {
        var messages: [Message] = []
        for message in try object.required(object.objects("messages"), "messages") {
            messages.append(try Message(message))
        }
        self.messages = messages
    }
}

/// `GET /v1/queue`.
struct QueueDocument: APIDocument {
    struct Bank {
        var bankId: String
        var counts: [String: Int]
        var oldestQueuedAgeSeconds: Int64?
        var circuit: String
        var inFlight: Int
        /// Bytes the archive holds for the bank (absent from daemons before issue 8.2).
        var archivedBytes: Int64?
    }

    var counts: [String: Int]
    var banks: [Bank]

    init(_ object: JSONObjectReader) throws(JSONReadError) {
        counts = try Self.counts(object)
        var banks: [Bank] = []
        for bank in try object.required(object.objects("banks"), "banks") {
            banks.append(Bank(bankId: try bank.required(bank.string("bank_id"), "bank_id"), counts: try Self.counts(bank),
                              oldestQueuedAgeSeconds: try bank.integer("oldest_queued_age_seconds", as: Int64.self),
                              circuit: try bank.required(bank.string("circuit"), "circuit"),
                              inFlight: try bank.required(bank.integer("in_flight"), "in_flight"),
                              archivedBytes: try bank.integer("archived_bytes", as: Int64.self)))
        }
        self.banks = banks
    }

    /// The `counts` object: status → number of payments.
    private static func counts(_ object: JSONObjectReader) throws(JSONReadError) -> [String: Int] {
        let counts = try object.required(object.object("counts"), "counts")
        var result: [String: Int] = [:]
        for member in counts.members {
            result[member.key] = try counts.required(counts.integer(member.key), member.key)
        }
        return result
    }
}
