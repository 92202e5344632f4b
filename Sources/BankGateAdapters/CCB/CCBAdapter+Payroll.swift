public import BankGateCore

/// CCB payroll through the engine: CCB's 代发 (`6W1303`) pays one line per request, so a payroll
/// batch becomes one message per line, each keyed by its own `REQUEST_SN` (the line's instruction
/// id) and asked about with `6W1503`. It needs the company's 代发代扣 agreement
/// (``CCBAdapter/payrollAgreement``).
extension CCBAdapter: PayrollAdapter {
    /// `CCB.6W1303`.
    public var payrollMessageKind: String { "CCB." + Self.payrollCode }
    /// A payroll's lines, each its own message; no batch limit is known, so the API's.
    public var maxTransfersPerPayroll: Int { 10_000 }
    /// `6W1303` carries one line.
    public var payrollLinesPerMessage: Int { 1 }

    public var payrollUnavailableReason: String? {
        payrollAgreement == nil ? "no 代发代扣 agreement is configured (payroll_bill_code)" : nil
    }

    /// The message's one line as `6W1303` under the configured agreement.
    public func encodePayroll(_ message: PaymentMessage) throws(AdapterError) -> EncodedMessage {
        guard let agreement = payrollAgreement else {
            throw AdapterError("no 代发代扣 agreement is configured (payroll_bill_code)", location: "TX_INFO/BILL_CODE")
        }
        return try encodePayrollPayment(message, billCode: agreement.billCode, purposeCode: agreement.purposeCode,
                                        requiresApproval: agreement.requiresApproval)
    }

    /// Each line written as its `6W1303` would be, named by API field.
    public func payrollProblem(_ transfers: [CreditTransfer], debtor: DebtorAccount) -> (line: Int, problem: TransferFieldProblem)? {
        for (index, transfer) in transfers.enumerated() {
            let problem = IntakeProbe.problem(transfer, debtor: debtor, bank: "CCB", reference: "1",
                                              apiFields: Self.payrollAPIFields) { message throws(AdapterError) in
                try encodePayroll(message)
            }
            if let problem { return (index, problem) }
        }
        return nil
    }

    /// The API field behind each `6W1303` field.
    static let payrollAPIFields: [String: String] = [
        "ACC_NO1": "debtor_account", "ACC_NO2": "creditor.account", "OTHER_NAME": "creditor.name", "AMOUNT": "amount",
        "UBANK_NO": "creditor.bank_code", "REM1": "remittance_info", "REM2": "remittance_info",
    ]
}
