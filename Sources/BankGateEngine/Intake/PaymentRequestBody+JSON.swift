/// Reading request bodies with ``JSONScanner``: the API's fast path, giving the same answers as
/// the `Decodable` conformances (`malformed_json`, `invalid_type` and `unknown_field` with the
/// field's path), and refusing a field given twice (`duplicate_field`).
extension PaymentRequestBody {
    /// Parses the body of `POST /v1/payments`.
    public static func parse(json bytes: UnsafeRawBufferPointer) throws(GatewayError) -> PaymentRequestBody {
        try PaymentRequestBody(try JSONObjectReader.document(bytes), path: "")
    }

    init(_ value: JSONValue, path: String) throws(GatewayError) {
        let object = try JSONObjectReader(value, path: path, knownKeys: Self.knownKeys)
        debtorAccount = try object.string("debtor_account")
        amount = try object.string("amount")
        currency = try object.string("currency")
        if let value = object.member("creditor") {
            creditor = try CreditorBody(value, path: IntakeFieldPath.join(path, "creditor"))
        } else {
            creditor = nil
        }
        remittanceInfo = try object.string("remittance_info")
        endToEndId = try object.string("end_to_end_id")
        requestedExecutionDate = try object.string("requested_execution_date")
    }
}

extension CreditorBody {
    init(_ value: JSONValue, path: String) throws(GatewayError) {
        let object = try JSONObjectReader(value, path: path, knownKeys: Self.knownKeys)
        name = try object.string("name")
        account = try object.string("account")
        bankCode = try object.string("bank_code")
    }
}

extension PaymentBatchBody {
    /// Parses the body of `POST /v1/payment-batches`.
    public static func parse(json bytes: UnsafeRawBufferPointer) throws(GatewayError) -> PaymentBatchBody {
        let object = try JSONObjectReader(try JSONObjectReader.document(bytes), path: "", knownKeys: ["payments"])
        guard let list = object.member("payments") else { return PaymentBatchBody(payments: nil) }
        guard case .array(let elements) = list else { throw JSONObjectReader.wrongType("payments", "an array") }
        var payments: [PaymentRequestBody] = []
        payments.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            payments.append(try PaymentRequestBody(element, path: "payments[\(index)]"))
        }
        return PaymentBatchBody(payments: payments)
    }
}

/// The members of one JSON object, checked against the keys it may have.
struct JSONObjectReader {
    let members: [JSONMember]
    let path: String

    /// Parses a whole body, which must be JSON.
    static func document(_ bytes: UnsafeRawBufferPointer) throws(GatewayError) -> JSONValue {
        do {
            return try JSONScanner.parse(bytes)
        } catch {
            throw GatewayError(.badRequest, code: .malformedJson, message: "the body is not valid JSON")
        }
    }

    /// - Throws: `invalid_type` when `value` is not an object, `unknown_field` naming the first
    ///   unknown key (in sorted order), `duplicate_field` for a known key given twice.
    init(_ value: JSONValue, path: String, knownKeys: [String]) throws(GatewayError) {
        guard case .object(let members) = value else {
            if path.isEmpty {
                throw GatewayError(.badRequest, code: .invalidType, message: "the body must be an object")
            }
            throw Self.wrongType(path, "an object")
        }
        var unknown: String?
        for member in members where !knownKeys.contains(member.key) {
            if unknown == nil || member.key < unknown! { unknown = member.key }
        }
        if let unknown {
            let field = IntakeFieldPath.join(path, unknown)
            throw GatewayError(.badRequest, code: .unknownField, message: "\(field) is not a known field", field: field)
        }
        // All keys are known here, so a duplicate shows up within the first knownKeys.count + 1:
        // the pairwise check stays small however many members there are.
        let checked = min(members.count, knownKeys.count + 1)
        for later in 1..<max(checked, 1) {
            let key = members[later].key
            if members[..<later].contains(where: { $0.key == key }) {
                let field = IntakeFieldPath.join(path, key)
                throw GatewayError(.badRequest, code: .duplicateField, message: "\(field) is given more than once", field: field)
            }
        }
        self.members = members
        self.path = path
    }

    /// The value of `key`; `nil` when absent or `null`.
    func member(_ key: String) -> JSONValue? {
        guard let value = members.first(where: { $0.key == key })?.value else { return nil }
        if case .null = value { return nil }
        return value
    }

    /// The string at `key`; `nil` when absent or `null`, `invalid_type` for another type.
    func string(_ key: String) throws(GatewayError) -> String? {
        guard let value = member(key) else { return nil }
        guard case .string(let text) = value else { throw Self.wrongType(IntakeFieldPath.join(path, key), "a string") }
        return text
    }

    static func wrongType(_ field: String, _ expected: String) -> GatewayError {
        GatewayError(.badRequest, code: .invalidType, message: "\(field) must be \(expected)", field: field)
    }
}
