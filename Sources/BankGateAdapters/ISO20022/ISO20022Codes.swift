public import BankGateCore

extension ISO20022Adapter {
    /// ISO 20022 payment status codes (ExternalPaymentTransactionStatus1Code / group status) and what
    /// they mean for bankgate. The only place these codes are interpreted; a code not listed is refused.
    ///
    /// `PART` (part of a batch accepted) says nothing final about any one transfer, so it is
    /// `processing`; the transfers' own lines say which were rejected.
    public static let statusCodeTable: [String: PaymentStatus] = [
        "RCVD": .submitted,   // received
        "ACTC": .submitted,   // accepted technical validation
        "ACCP": .submitted,   // accepted customer profile
        "ACFC": .processing,  // accepted, funds checked
        "ACSP": .processing,  // accepted, settlement in process
        "ACWC": .processing,  // accepted with change
        "ACWP": .processing,  // accepted without posting
        "PDNG": .processing,  // pending
        "PART": .processing,  // partially accepted
        "ACSC": .completed,   // accepted, settlement completed (debtor side)
        "ACCC": .completed,   // accepted, settlement completed (creditor side)
        "RJCT": .rejected,    // rejected
        "CANC": .rejected,    // cancelled
    ]

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
