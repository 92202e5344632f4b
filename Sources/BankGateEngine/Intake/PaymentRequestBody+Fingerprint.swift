/// What identifies a request's content for idempotency: the same fields with the same values give
/// the same bytes, whatever the JSON key order or whitespace the client produced. Each field is
/// written as its length and its UTF-8 bytes (absent: a marker), so no two contents collide.
extension PaymentRequestBody {
    /// Appends the canonical form of this request to `bytes`.
    public func appendCanonicalForm(to bytes: inout [UInt8]) {
        for field in [debtorAccount, amount, currency, creditor?.name, creditor?.account, creditor?.bankCode,
                      remittanceInfo, endToEndId, requestedExecutionDate] {
            guard let field else {
                bytes.append(0xFF)
                continue
            }
            let utf8 = Array(field.utf8)
            withUnsafeBytes(of: UInt32(utf8.count).bigEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: utf8)
        }
        bytes.append(creditor == nil ? 0xFE : 0xFD)
    }

    /// The canonical form of one request.
    public var canonicalForm: [UInt8] {
        var bytes: [UInt8] = [0x01]
        appendCanonicalForm(to: &bytes)
        return bytes
    }
}

extension Array where Element == PaymentRequestBody {
    /// The canonical form of a batch: its requests in order.
    public var canonicalForm: [UInt8] {
        var bytes: [UInt8] = [0x02]
        for body in self { body.appendCanonicalForm(to: &bytes) }
        return bytes
    }
}
