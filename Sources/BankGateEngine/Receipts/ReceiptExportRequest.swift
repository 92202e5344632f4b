import BankGateCore

/// `POST /v1/receipt-exports`: `{"accounts": ["…"], "from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}`,
/// parsed strictly (unknown fields, wrong types and duplicates refused), the field at fault named.
public struct ReceiptExportRequest: Sendable, Hashable {
    public var accountIds: [String]
    public var fromDate: String
    public var toDate: String

    public init(accountIds: [String], fromDate: String, toDate: String) {
        self.accountIds = accountIds
        self.fromDate = fromDate
        self.toDate = toDate
    }

    /// Parses the body; the accounts, dates and range are checked by ``ReceiptExportService/request(_:requestedBy:)``.
    public static func parse(json bytes: UnsafeRawBufferPointer) throws(GatewayError) -> ReceiptExportRequest {
        let object = try IntakeJSONObject(try IntakeJSONObject.document(bytes), path: "", knownKeys: ["accounts", "from", "to"])
        guard let accounts = try object.strings("accounts") else {
            throw GatewayError(.validation, code: .missingField, message: "accounts is required", field: "accounts")
        }
        let from = try AccountRequestBodies.required(object.string("from"), "from")
        let to = try AccountRequestBodies.required(object.string("to"), "to")
        return ReceiptExportRequest(accountIds: accounts, fromDate: from, toDate: to)
    }
}
