import BankGateCrypto
import BankGateCore
import BankGateEngine
import BankGateStore
import HTTPTypes
import Hummingbird
import BankGateConfig

/// `POST /v1/payments` and `POST /v1/payment-batches`: the hot path.
extension APIEndpoints {
    /// Longest `Idempotency-Key` accepted.
    static let maxIdempotencyKeyLength = 255

    func createPayment(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.paymentsWrite])
        let key = try idempotencyKey(request)
        let body = try await RequestBodyReader.collect(request, maxBytes: maxBodyBytes)
        let decoded = try RequestBodyReader.parse(body, with: PaymentRequestBody.parse(json:))
        // Accounts outside the token's tenant or `pay_from` are unknown to it (422 unknown_account).
        let validator = PaymentRequestValidator(accounts: client.access.payableAccounts(gateway.accounts), today: clock.now())
        let payment = try validator.validate(decoded)
        // The content, not the bytes: the same payment re-serialized in another key order replays.
        let fingerprint = SHA256.hex(decoded.canonicalForm)
        let result = try await gateway.submit([payment], idempotencyKey: key, fingerprint: fingerprint,
                                              client: client.name, asBatch: false)
        let (records, replayed) = await unpack(result)
        guard let record = records.first else {
            throw GatewayError(.internal, code: .internalError, message: "intake returned no payment")
        }
        var writer = JSONWriter(capacity: 1024)
        writer.payment(record)
        return Self.answer(writer, replayed: replayed)
    }

    func createBatch(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.paymentsWrite])
        let key = try idempotencyKey(request)
        let body = try await RequestBodyReader.collect(request, maxBytes: maxBodyBytes)
        let decoded = try RequestBodyReader.parse(body, with: PaymentBatchBody.parse(json:))
        // Accounts outside the token's tenant or `pay_from` are unknown to it (422 unknown_account).
        let validator = PaymentRequestValidator(accounts: client.access.payableAccounts(gateway.accounts), today: clock.now())
        let payments = try validator.validateBatch(decoded.payments)
        // A payroll of the same lines is another request than a batch of them.
        let lines = (decoded.payments ?? []).canonicalForm
        let fingerprint = SHA256.hex(decoded.kind == .payroll ? Array("payroll:".utf8) + lines : lines)
        let result = try await gateway.submit(payments, idempotencyKey: key, fingerprint: fingerprint,
                                              client: client.name, asBatch: true, payroll: decoded.kind == .payroll)
        let (records, replayed) = await unpack(result)
        var writer = JSONWriter(capacity: 256 + records.count * 900)
        writer.beginObject()
        writer.field("batch_id", records.first?.batchId)
        writer.key("payments")
        writer.payments(records)
        writer.endObject()
        return Self.answer(writer, replayed: replayed)
    }

    /// The `Idempotency-Key` header: required, 1–255 printable ASCII characters.
    func idempotencyKey(_ request: Request) throws(GatewayError) -> String {
        guard let key = request.headers[.idempotencyKey] else {
            throw GatewayError(.badRequest, code: .missingIdempotencyKey,
                               message: "the Idempotency-Key header is required", field: "Idempotency-Key")
        }
        let utf8 = key.utf8
        guard (1...Self.maxIdempotencyKeyLength).contains(utf8.count), utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw GatewayError(.badRequest, code: .invalidIdempotencyKey,
                               message: "the Idempotency-Key header must be 1 to 255 printable ASCII characters",
                               field: "Idempotency-Key")
        }
        return key
    }

    /// The payments as accepted (see ``PaymentRecord/asAccepted``), and whether this is a replay.
    /// A replayed payment that intake had `scheduled` and that has moved on since is answered
    /// `scheduled` again, as the first answer was (its history's first step says so).
    private func unpack(_ result: IntakeResult) async -> ([PaymentRecord], Bool) {
        switch result {
        case .created(let records):
            return (records.map(\.asAccepted), false)
        case .replayed(let records):
            var accepted: [PaymentRecord] = []
            for record in records {
                var answer = record.asAccepted
                if answer.status == .queued, record.status != .queued,
                   let history = try? await gateway.payment(id: record.id).history,
                   history.first(where: { $0.from == .received })?.to == .scheduled {
                    answer.status = .scheduled
                }
                accepted.append(answer)
            }
            return (accepted, true)
        }
    }

    /// 201 with the accepted payments; a replay is exactly that first answer again, with
    /// `Idempotent-Replayed: true`.
    private static func answer(_ writer: JSONWriter, replayed: Bool) -> Response {
        if replayed {
            return APIResponse.json(.created, writer, headers: [.idempotentReplayed: "true"])
        }
        return APIResponse.json(.created, writer)
    }
}

extension HTTPField.Name {
    /// `Idempotency-Key` (IETF draft-ietf-httpapi-idempotency-key-header).
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    /// `Idempotent-Replayed`: set on answers that repeat an earlier acceptance.
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
}
