import BankGateStatements

extension FuzzTargets {
    /// camt.052/053/054 through ``CamtReader`` (what `POST /v1/statements` and the inbox read).
    static let camt = FuzzTarget(name: "camt", summary: "camt.052/053/054 statements (CamtReader)") { bytes in
        var visitor = DiscardingStatementVisitor()
        return FuzzTarget.outcome { try StatementParser.parse(bytes: bytes, format: .camt, visitor: &visitor) }
    }

    /// MT940/MT942 through ``MT940Reader``.
    static let mt940 = FuzzTarget(name: "mt940", summary: "MT940/MT942 statements (MT940Reader)") { bytes in
        var visitor = DiscardingStatementVisitor()
        return FuzzTarget.outcome { try StatementParser.parse(bytes: bytes, format: .mt940, visitor: &visitor) }
    }
}

/// A visitor that keeps nothing, so that only the reader is exercised.
struct DiscardingStatementVisitor: StatementVisitor {
    mutating func beginStatement(_ header: StatementHeader) throws {}
    mutating func transaction(_ transaction: StatementTransaction) throws {}
    mutating func endStatement(_ header: StatementHeader, summary: StatementSummary) throws {}
}
