import BankGateCore

extension ISO20022Adapter {
    /// Reason codes (ExternalStatusReason1Code and our proprietary ones) with their meaning, for
    /// operators and API clients.
    public static let reasonCodeMeanings: [String: String] = [
        "AC01": "incorrect account number",
        "AC04": "closed account number",
        "AC06": "blocked account",
        "AG01": "transaction forbidden on this type of account",
        "AM04": "insufficient funds",
        "AM05": "duplication",
        "BE04": "missing creditor address",
        "DS0A": "data signature is required (DataSignRequested): the file carried no signature",
        "DS0B": "data signature for the format is not available or invalid (UnknownDataSignFormat)",
        "DS0C": "the signer certificate is revoked",
        "DS0D": "the signer certificate is not valid",
        "DUPL": "duplicate payment",
        "FF01": "invalid file format",
        "MS02": "not specified reason (customer generated)",
        "MS03": "not specified reason (agent generated)",
        "NARR": "narrative: see the additional information",
        "RR03": "missing creditor name or address (regulatory)",
        "RR04": "regulatory reason",
        "NOTFOUND": "message not received (bankgate proprietary, answer to a status query)",
    ]

    /// The proprietary group reason with which a bank answers a status query for a message it never received.
    public static let notFoundReason = "NOTFOUND"
}

/// The kinds of code an ISO 20022 status report carries: one list of status codes, read at group,
/// payment-information and transaction level.
public enum ISO20022CodeKind: String, BankCodeKind {
    /// `GrpSts`, `PmtInfSts`, `TxSts`.
    case status
}

/// The ISO 20022 status codes: the built-in table, the rows of `adapters/iso20022/codes.tsv` (a test
/// fails when the two disagree). Each ``ISO20022Adapter`` reads codes with its own
/// ``ISO20022Adapter/codes``, this table unless the configuration gives a `codes_file` or
/// `code_overrides` (a bank that uses a code its own way). A code not listed refuses the report.
public enum ISO20022Codes {
    public typealias Table = BankCodeTable<ISO20022CodeKind>
    public typealias Entry = Table.Entry

    /// The categories the pain.002 reader maps to a payment status.
    public static let categories: [BankCodeCategory] = [.accepted, .processing, .completed, .rejected, .returned, .unknown]

    /// Every built-in row, in the order of `adapters/iso20022/codes.tsv`.
    public static let table: [Entry] = [
        Entry(kind: .status, code: "RCVD", category: .accepted, meaning: "Received: the bank has the message, nothing checked yet"),
        Entry(kind: .status, code: "ACTC", category: .accepted, meaning: "AcceptedTechnicalValidation: syntax and signature checked"),
        Entry(kind: .status, code: "ACCP", category: .accepted, meaning: "AcceptedCustomerProfile: the customer profile check passed"),
        Entry(kind: .status, code: "ACFC", category: .processing, meaning: "AcceptedFundsChecked: funds checked, not yet settled"),
        Entry(kind: .status, code: "ACSP", category: .processing, meaning: "AcceptedSettlementInProcess: settlement under way"),
        Entry(kind: .status, code: "ACWC", category: .processing, meaning: "AcceptedWithChange: accepted with a change (date, amount …), not yet settled"),
        Entry(kind: .status, code: "ACWP", category: .processing, meaning: "AcceptedWithoutPosting: accepted, not yet posted"),
        Entry(kind: .status, code: "PDNG", category: .processing, meaning: "Pending: further checks and status to follow"),
        Entry(kind: .status, code: "PART", category: .processing, meaning: "PartiallyAccepted: part of a batch accepted; each transfer's own line says which"),
        Entry(kind: .status, code: "ACSC", category: .completed, meaning: "AcceptedSettlementCompleted: settled on the debtor's account"),
        Entry(kind: .status, code: "ACCC", category: .completed, meaning: "AcceptedCreditSettlementCompleted: settled on the creditor's account"),
        Entry(kind: .status, code: "RJCT", category: .rejected, meaning: "Rejected: refused, with the reason code"),
        Entry(kind: .status, code: "CANC", category: .rejected, meaning: "Cancelled: cancelled before settlement"),
    ]

    /// The built-in table.
    public static let builtIn = Table(table, categories: categories)
}

extension ISO20022Adapter: CodeTableAdapter {
    /// ``ISO20022Codes/builtIn``.
    public static var builtInCodes: ISO20022Codes.Table { ISO20022Codes.builtIn }
}
