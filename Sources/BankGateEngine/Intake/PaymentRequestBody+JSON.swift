public import BankGateCore

/// Reading request bodies with BankGateCore's JSON reader: the API's fast path, giving the same answers as
/// the `Decodable` conformances (`malformed_json`, `invalid_type` and `unknown_field` with the
/// field's path), and refusing a field given twice (`duplicate_field`).
extension PaymentRequestBody {
    /// Parses the body of `POST /v1/payments`.
    public static func parse(json bytes: UnsafeRawBufferPointer) throws(GatewayError) -> PaymentRequestBody {
        try PaymentRequestBody(try IntakeJSONObject.document(bytes), path: "")
    }

    init(_ value: JSONValue, path: String) throws(GatewayError) {
        let object = try IntakeJSONObject(value, path: path, knownKeys: Self.knownKeys)
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
        purpose = try object.string("purpose")
        priority = try object.string("priority")
        categoryPurpose = try object.string("category_purpose")
        chargeBearer = try object.string("charge_bearer")
        sameBank = try object.bool("same_bank")
        duplicateIntended = try object.bool("duplicate_intended")
    }
}

extension CreditorBody {
    init(_ value: JSONValue, path: String) throws(GatewayError) {
        let object = try IntakeJSONObject(value, path: path, knownKeys: Self.knownKeys)
        name = try object.string("name")
        account = try object.string("account")
        bankCode = try object.string("bank_code")
        bankName = try object.string("bank_name")
        bankBranch = try object.string("bank_branch")
        if let value = object.member("address") {
            address = try AddressBody(value, path: IntakeFieldPath.join(path, "address"))
        } else {
            address = nil
        }
    }
}

extension AddressBody {
    init(_ value: JSONValue, path: String) throws(GatewayError) {
        let object = try IntakeJSONObject(value, path: path, knownKeys: Self.knownKeys)
        street = try object.string("street")
        town = try object.string("town")
        postalCode = try object.string("postal_code")
        country = try object.string("country")
        lines = try object.strings("lines")
    }
}

extension PaymentBatchBody {
    /// Parses the body of `POST /v1/payment-batches`.
    public static func parse(json bytes: UnsafeRawBufferPointer) throws(GatewayError) -> PaymentBatchBody {
        let object = try IntakeJSONObject(try IntakeJSONObject.document(bytes), path: "", knownKeys: ["kind", "payments"])
        var kind = PaymentBatchBody.Kind.payments
        if let value = object.member("kind") {
            guard case .string(let text) = value else { throw IntakeJSONObject.wrongType("kind", "a string") }
            guard let known = PaymentBatchBody.Kind(rawValue: text) else {
                throw GatewayError(.validation, code: .invalidValue, message: "kind must be \"payments\" or \"payroll\"", field: "kind")
            }
            kind = known
        }
        guard let list = object.member("payments") else { return PaymentBatchBody(kind: kind, payments: nil) }
        guard case .array(let elements) = list else { throw IntakeJSONObject.wrongType("payments", "an array") }
        var payments: [PaymentRequestBody] = []
        payments.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            payments.append(try PaymentRequestBody(element, path: "payments[\(index)]"))
        }
        return PaymentBatchBody(kind: kind, payments: payments)
    }
}

extension PaymentRequestBody {
    /// Parses a JSON array of payment request bodies (the input of `bankgate messages render`), with
    /// the answers `JSONDecoder` gave for `[PaymentRequestBody]`: `malformed_json`, `invalid_type`
    /// (`the body must be an array`, `[3].creditor must be an object`) and `unknown_field` with the path.
    public static func parseList(json bytes: UnsafeRawBufferPointer) throws(GatewayError) -> [PaymentRequestBody] {
        guard case .array(let elements) = try IntakeJSONObject.document(bytes) else {
            throw GatewayError(.badRequest, code: .invalidType, message: "the body must be an array")
        }
        var bodies: [PaymentRequestBody] = []
        bodies.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            bodies.append(try PaymentRequestBody(element, path: "[\(index)]"))
        }
        return bodies
    }
}

/// Core's ``JSONObjectReader`` with the API's answers: whatever it refuses becomes the 400 of
/// ``GatewayError/init(reading:)``. The intake bodies and the account request bodies read JSON
/// through it and nothing else.
struct IntakeJSONObject {
    let reader: JSONObjectReader

    /// Parses a whole body, which must be JSON (`malformed_json`).
    static func document(_ bytes: UnsafeRawBufferPointer) throws(GatewayError) -> JSONValue {
        do {
            return try JSONObjectReader.document(bytes)
        } catch {
            throw GatewayError(reading: error)
        }
    }

    /// - Throws: `invalid_type` when `value` is not an object, `unknown_field` naming the first
    ///   unknown key (in sorted order), `duplicate_field` for a known key given twice.
    init(_ value: JSONValue, path: String, knownKeys: [String]) throws(GatewayError) {
        do {
            reader = try JSONObjectReader(value, path: path, knownKeys: knownKeys)
        } catch {
            throw GatewayError(reading: error)
        }
    }

    /// The value of `key`; `nil` when absent or `null`.
    func member(_ key: String) -> JSONValue? { reader.member(key) }

    /// The string at `key`; `nil` when absent or `null`, `invalid_type` for another type.
    func string(_ key: String) throws(GatewayError) -> String? {
        do {
            return try reader.string(key)
        } catch {
            throw GatewayError(reading: error)
        }
    }

    /// The strings of the array at `key`; `nil` when absent or `null`, `invalid_type` for
    /// anything else (naming the element: `lines[1]`).
    func strings(_ key: String) throws(GatewayError) -> [String]? {
        let elements: [JSONValue]?
        do {
            elements = try reader.array(key)
        } catch {
            throw GatewayError(reading: error)
        }
        guard let elements else { return nil }
        var strings: [String] = []
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element else {
                throw GatewayError(reading: .wrongType(JSONObjectReader.join(JSONObjectReader.join(reader.path, key), index: index),
                                                       "a string"))
            }
            strings.append(text)
        }
        return strings
    }

    /// The boolean at `key`; `nil` when absent or `null`, `invalid_type` for another type.
    func bool(_ key: String) throws(GatewayError) -> Bool? {
        do {
            return try reader.bool(key)
        } catch {
            throw GatewayError(reading: error)
        }
    }

    static func wrongType(_ field: String, _ expected: String) -> GatewayError {
        GatewayError(reading: .wrongType(field, expected))
    }
}

extension GatewayError {
    /// The 400 answer for a body the JSON reader refused: `malformed_json`, `invalid_type`,
    /// `unknown_field` or `duplicate_field`, with the field's path (none for the body itself).
    public init(reading error: JSONReadError) {
        let code: GatewayError.Code = switch error.code {
        case .wrongType: .invalidType
        case .unknownField: .unknownField
        case .duplicateField: .duplicateField
        case .missingField: .missingField
        default: .malformedJson
        }
        self.init(.badRequest, code: code, message: error.description, field: error.path.isEmpty ? nil : error.path)
    }
}
