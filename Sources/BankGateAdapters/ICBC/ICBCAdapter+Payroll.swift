public import BankGateCore

/// ICBC payroll (代发工资) through the engine: one `PAYPER` package per batch, keyed by its package id
/// (`fSeqno`, the message id), signed and sealed like `PAYENT`, asked about by the same package id with
/// `QPAYPER`. Every line carries its transfer's instruction id in `Ref`, so results are per line.
///
/// The transaction and query codes are confirmed [bank-formats §2]; PAYPER's field list was not
/// found, so the package is written with `PAYENT`'s fields (**assumed**, see adapters/icbc/README.md).
extension ICBCAdapter: PayrollAdapter {
    /// `ICBC.PAYPER`.
    public var payrollMessageKind: String { "ICBC.PAYPER" }
    public var maxTransfersPerPayroll: Int { Self.maxPayrollLines }

    /// A `PAYPER` package for `message`: every transfer is one `rd`.
    public func encodePayroll(_ message: PaymentMessage) throws(AdapterError) -> EncodedMessage {
        try encodePackage(message, transCode: "PAYPER", maxRecords: Self.maxPayrollLines)
    }

    /// Each line written as it would be in the package, named by API field.
    public func payrollProblem(_ transfers: [CreditTransfer], debtor: DebtorAccount) -> (line: Int, problem: TransferFieldProblem)? {
        for (index, transfer) in transfers.enumerated() {
            let problem = IntakeProbe.problem(transfer, debtor: debtor, bank: "ICBC", apiFields: Self.apiFields) {
                message throws(AdapterError) in try encodePayroll(message)
            }
            if let problem { return (index, problem) }
        }
        return nil
    }

    /// Whether `query` asks about a payroll package rather than a payment package.
    func isPayrollQuery(_ query: StatusQuery) -> Bool { query.originalKind == payrollMessageKind }
}

extension ICBCAdapter {
    /// Lines in one `PAYPER` package (**assumed**: no public source states ICBC's limit).
    public static let maxPayrollLines = 500

    /// Asks for the results of a payroll package (`QPAYPER`: `in/QryfSeqno` = the package id sent,
    /// `QrySerialNo` left empty), as `QPAYENT` does for payments. The answer is read with
    /// ``decodePaymentAnswer(_:instructionIds:)``: a `Result` per `rd`, keyed by `Ref`.
    public func encodePayrollStatusQuery(packageId: String, queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        var request = try ICBCRequestWriter(transCode: "QPAYPER", adapter: self, packageId: queryId, createdAt: createdAt)
        try request.field("QryfSeqno", packageId, record: "in", type: .code, maxBytes: ICBCRequestWriter.maxPackageIdBytes)
        request.empty("QrySerialNo")
        return EncodedMessage(kind: "ICBC.QPAYPER", contentType: Self.documentContentType,
                              fileName: Self.fileName("QPAYPER", queryId), bytes: try request.finish())
    }
}
