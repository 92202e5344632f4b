/// What identifies a request's content for idempotency: the same fields with the same values give
/// the same bytes, whatever the JSON key order or whitespace the client produced. Each field is
/// written as its length and its UTF-8 bytes (absent: a marker), so no two contents collide.
///
/// The fields added with purpose, priority and the creditor's bank and address follow behind a
/// marker of their own, written only when one of them is given: a request without them has the
/// canonical form (and fingerprint) it had before, so keys stored by earlier versions still replay.
extension PaymentRequestBody {
    /// Appends the canonical form of this request to `bytes`.
    public func appendCanonicalForm(to bytes: inout [UInt8]) {
        Self.append([debtorAccount, amount, currency, creditor?.name, creditor?.account, creditor?.bankCode,
                     remittanceInfo, endToEndId, requestedExecutionDate], to: &bytes)
        bytes.append(creditor == nil ? 0xFE : 0xFD)
        let address = creditor?.address
        guard purpose != nil || priority != nil || categoryPurpose != nil || chargeBearer != nil || sameBank != nil
                || creditor?.bankName != nil || creditor?.bankBranch != nil || address != nil else { return }
        bytes.append(0xFC)
        Self.append([purpose, priority, categoryPurpose, chargeBearer, sameBank.map { $0 ? "true" : "false" },
                     creditor?.bankName, creditor?.bankBranch], to: &bytes)
        guard let address else {
            bytes.append(0xFE)
            return
        }
        bytes.append(0xFD)
        Self.append([address.street, address.town, address.postalCode, address.country], to: &bytes)
        guard let lines = address.lines else {
            bytes.append(0xFE)
            return
        }
        bytes.append(0xFD)
        withUnsafeBytes(of: UInt32(lines.count).bigEndian) { bytes.append(contentsOf: $0) }
        Self.append(lines, to: &bytes)
    }

    /// Each field as its length and UTF-8 bytes, `0xFF` for an absent one.
    private static func append(_ fields: [String?], to bytes: inout [UInt8]) {
        for field in fields {
            guard let field else {
                bytes.append(0xFF)
                continue
            }
            let utf8 = Array(field.utf8)
            withUnsafeBytes(of: UInt32(utf8.count).bigEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: utf8)
        }
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
