public import BankGateCore

/// An adapter whose bank takes payroll batches (代发工资) as a message of their own: one request
/// for the whole batch, keyed by the message id, with a line per employee.
///
/// The engine sends a submission whose kind is ``payrollMessageKind`` with ``encodePayroll(_:)``
/// instead of ``BankAdapter/encodePayment(_:)``. Status queries carry the same kind in
/// ``StatusQuery/originalKind``, so the adapter asks the bank about the batch rather than a
/// transfer; an outcome the bank gives for the whole batch is the report's group outcome, an
/// outcome it gives for a line is that line's (keyed by the transfer's instruction id). A payroll
/// is asked about once per batch, naming all its transfers, whatever the adapter's
/// ``BankAdapter/statusQueryScope`` for payments (CMB asks about payments one `YURREF` at a time).
public protocol PayrollAdapter: BankAdapter {
    /// The kind stored with a payroll submission (`BOC.b2e0078`).
    var payrollMessageKind: String { get }
    /// At most this many lines in one payroll batch.
    var maxTransfersPerPayroll: Int { get }
    /// At most this many lines in one payroll message: a batch with more becomes several messages
    /// (CCB's `6W1303` carries one line). The whole batch, ``maxTransfersPerPayroll``, unless said.
    var payrollLinesPerMessage: Int { get }
    /// Why this bank takes no payroll as configured (CCB without a 代发 agreement number), or `nil`.
    var payrollUnavailableReason: String? { get }
    /// Encodes a payroll batch: every transfer of `message` is one line.
    func encodePayroll(_ message: PaymentMessage) throws(AdapterError) -> EncodedMessage
    /// The first line the payroll message cannot carry as given (its index and the API field at
    /// fault), checked at intake in place of the transfer checks; `nil` when the batch can be sent.
    func payrollProblem(_ transfers: [CreditTransfer], debtor: DebtorAccount) -> (line: Int, problem: TransferFieldProblem)?
}

extension PayrollAdapter {
    public var payrollLinesPerMessage: Int { maxTransfersPerPayroll }
    public var payrollUnavailableReason: String? { nil }
}
