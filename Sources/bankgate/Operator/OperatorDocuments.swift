/// The API's JSON documents as the operator commands read them (keys converted from snake_case).
struct PaymentDocument: Decodable {
    struct Creditor: Decodable {
        var name: String
        var account: String
        var bankCode: String?
    }

    struct Transition: Decodable {
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
    var bankStatus: String?
    var reasonCode: String?
    var reasonText: String?
    var createdAt: String?
    var updatedAt: String?
    /// Present on `GET /v1/payments/{id}`.
    var history: [Transition]?
}

/// `GET /v1/payments`.
struct PaymentListDocument: Decodable {
    var payments: [PaymentDocument]
    var nextCursor: String?
}

/// `GET /v1/payments/{id}/messages`.
struct MessageListDocument: Decodable {
    struct Message: Decodable {
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
    }

    var messages: [Message]
}

/// `GET /v1/queue`.
struct QueueDocument: Decodable {
    struct Bank: Decodable {
        var bankId: String
        var counts: [String: Int]
        var oldestQueuedAgeSeconds: Int64?
        var circuit: String
        var inFlight: Int
    }

    var counts: [String: Int]
    var banks: [Bank]
}
