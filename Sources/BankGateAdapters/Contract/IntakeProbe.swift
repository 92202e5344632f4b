public import BankGateCore

/// Checks a transfer at intake the only way that is sure to agree with the encoder: by writing it
/// as the bank would receive it (a payment message of one, with stand-in identifiers) and naming the
/// API field behind the bank field the encoder refused.
public enum IntakeProbe {
    /// The problem the encoder finds with `transfer`, or `nil`.
    /// - Parameters:
    ///   - bank: the bank's name in messages (`CMB`, `ICBC` …).
    ///   - reference: a stand-in client reference in the bank's form (CCB: digits).
    ///   - apiFields: bank field (the end of the encoder's error location) → API field.
    ///   - encode: the adapter's payment encoder.
    public static func problem(_ transfer: CreditTransfer, debtor: DebtorAccount, bank: String, reference: String = "BGI0",
                               apiFields: [String: String],
                               encode: (PaymentMessage) throws(AdapterError) -> EncodedMessage) -> TransferFieldProblem? {
        var probe = transfer
        probe.instructionId = reference
        let message = PaymentMessage(messageId: reference, paymentInfoId: reference + "-1", createdAt: Timestamp(milliseconds: 0),
                                     requestedExecutionDate: "2000-01-01", debtor: debtor, initiatingPartyName: debtor.name,
                                     transfers: [probe])
        do {
            _ = try encode(message)
            return nil
        } catch {
            let field = error.location.flatMap { location in
                apiFields.first { location == $0.key || location.hasSuffix("/" + $0.key) }?.value
            } ?? "payment"
            return TransferFieldProblem(field: field, message: "\(field): \(error.message) (\(bank) \(error.location ?? "message"))")
        }
    }
}
