import Foundation
import BankGateStatements

/// What makes two reports of a bank transaction the same transaction, so that it is stored once
/// whether it arrives in an intraday report and again in the end-of-day statement, in a re-sent
/// file, or in statements whose date ranges overlap.
///
/// In order of preference:
/// 1. `asr:<account servicer reference>` — the bank's own unique id of the entry (camt
///    `AcctSvcrRef`, on the entry or its transaction details).
/// 2. `ref:<bank reference>|<date>|<signed amount>` — the entry reference (camt `NtryRef`, MT940
///    `//` reference), which some banks reuse across days, hence the date and amount with it.
/// 3. `fp:<fingerprint>#<n>` — when the bank gives no reference: date (booking, else value),
///    signed amount, currency, end-to-end id, counterparty account, remittance text and bank
///    transaction code, plus the entry's occurrence `n` among identical neighbours (two identical
///    card fees on one day are two transactions; banks list such entries next to each other in
///    every report, so the n-th stays the n-th).
///
/// Placeholders (`NONREF`, `NOTPROVIDED`) are not references.
public enum TransactionIdentity {
    /// Counts runs of identical fingerprints in document order.
    public struct OccurrenceCounter: Sendable {
        private var previous: String?
        private var run = 0

        public init() {}

        /// The 1-based occurrence of `fingerprint` in the current run of identical entries.
        public mutating func next(_ fingerprint: String) -> Int {
            run = fingerprint == previous ? run + 1 : 1
            previous = fingerprint
            return run
        }
    }

    /// The identity of `transaction`.
    public static func make(_ transaction: StatementTransaction, counter: inout OccurrenceCounter) -> String {
        let date = transaction.bookingDate ?? transaction.valueDate ?? ""
        if let reference = meaningful(transaction.accountServicerReference) {
            return "asr:" + reference
        }
        if let reference = meaningful(transaction.bankReference) {
            return "ref:\(reference)|\(date)|\(transaction.signedMinorUnits)"
        }
        let code = transaction.transactionCode
        let fields: [String] = [
            date, String(transaction.signedMinorUnits), transaction.amount.currency.code, transaction.endToEndId ?? "",
            transaction.counterparty.account ?? "", transaction.remittanceInformation ?? "",
            [code.domain, code.family, code.subFamily, code.proprietary].map { $0 ?? "" }.joined(separator: "/"),
        ]
        let fingerprint = fields.joined(separator: "\u{1F}")
        return "fp:\(fingerprint)#\(counter.next(fingerprint))"
    }

    /// `value` unless it is empty or a placeholder.
    static func meaningful(_ value: String?) -> String? {
        guard let value else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, !["NONREF", "NOTPROVIDED", "NONE"].contains(trimmed.uppercased()) else { return nil }
        return trimmed
    }
}
