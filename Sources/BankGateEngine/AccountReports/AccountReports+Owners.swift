import BankGateStore

/// Which account an object of the account side belongs to, so that the API can answer a request
/// for another tenant's object exactly as for one that does not exist.
extension AccountReports {
    /// The account of statement `id`; `nil` when there is no such statement.
    public func ownerAccount(statementId id: String) async throws(GatewayError) -> String? {
        do { return try await statements.statement(id: id)?.draft.accountId } catch { throw Self.gatewayError(error) }
    }

    /// The account of match `id` (its bank transaction's); `nil` when there is no such match.
    public func ownerAccount(matchId id: String) async throws(GatewayError) -> String? {
        do {
            guard let match = try await reconciliation.match(id: id) else { return nil }
            return try await statements.transaction(id: match.transactionId)?.accountId
        } catch {
            throw Self.gatewayError(error)
        }
    }
}
