import Foundation
public import BankGateStatements
import BankGateCore

/// What makes two reports of a bank transaction the same transaction, so that it is stored once
/// whether it arrives in an intraday report and again in the end-of-day statement, in another
/// format (camt.052 intraday, MT940 at the end of the day), in a re-sent file, or in statements
/// whose date ranges overlap.
///
/// In order of preference:
/// 1. `asr:<account servicer reference>|<signed amount>` — the bank's own reference of the entry:
///    camt `AcctSvcrRef` (on the entry or its transaction details), the MT940/MT942 `:61:` reference
///    after `//` (the same field in SWIFT's MT940 ↔ camt.053 mapping). Banks give the debit and the
///    credit of an internal transfer, or an entry and its reversal, one reference: the signed
///    amount tells them apart, so the identity does not depend on the format an entry came in.
/// 2. `ref:<entry reference>|<date>|<signed amount>` — camt `NtryRef` when there is no servicer
///    reference; some banks reuse it across days, hence the date.
/// 3. `fp:<fingerprint>#<n>` — when the bank gives no reference: date (booking, else value),
///    signed amount, currency, end-to-end id, counterparty account, remittance text and bank
///    transaction code, plus the entry's occurrence `n` among identical neighbours (two identical
///    card fees on one day are two transactions; banks list such entries next to each other in
///    every report, so the n-th stays the n-th).
///
/// A reference identity met again in the same statement is a different entry (a statement never
/// lists one entry twice): its second occurrence is `…#2`, and so on, so de-duplication across
/// reports never folds two entries of one statement into one.
///
/// Placeholders (`NONREF`, `NOTPROVIDED`) are not references.
public enum TransactionIdentity {
    /// Counts occurrences within one statement: runs of identical fingerprints in document order,
    /// and every use of a reference identity.
    public struct OccurrenceCounter: Sendable {
        private var previous: String?
        private var run = 0
        private var referenceUses: [String: Int] = [:]

        public init() {}

        /// The 1-based occurrence of `fingerprint` in the current run of identical entries.
        public mutating func next(_ fingerprint: String) -> Int {
            run = fingerprint == previous ? run + 1 : 1
            previous = fingerprint
            return run
        }

        /// How often `identity` has been used in this statement, this use included.
        mutating func use(_ identity: String) -> Int {
            let count = (referenceUses[identity] ?? 0) + 1
            referenceUses[identity] = count
            return count
        }
    }

    /// The identity of `transaction`, read from a file in `format`.
    public static func make(_ transaction: StatementTransaction, format: StatementFormat,
                            counter: inout OccurrenceCounter) -> String {
        let date = transaction.bookingDate ?? transaction.valueDate ?? ""
        let reference: String? = if let servicer = meaningful(servicerReference(transaction, format: format)) {
            "asr:\(servicer)|\(transaction.signedMinorUnits)"
        } else if let entry = meaningful(transaction.bankReference) {
            "ref:\(entry)|\(date)|\(transaction.signedMinorUnits)"
        } else {
            nil
        }
        if let reference {
            let occurrence = counter.use(reference)
            return occurrence == 1 ? reference : "\(reference)#\(occurrence)"
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

    /// The account servicer's reference of the entry: camt `AcctSvcrRef`; in MT940 and MT942 the
    /// `:61:` reference after `//`, which the readers keep as the entry's bank reference.
    static func servicerReference(_ transaction: StatementTransaction, format: StatementFormat) -> String? {
        switch format {
        case .mt940, .mt942: transaction.accountServicerReference ?? transaction.bankReference
        case .camt052, .camt053, .camt054: transaction.accountServicerReference
        }
    }

    /// `value` unless it is empty or a placeholder.
    static func meaningful(_ value: String?) -> String? {
        guard let value else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, !["NONREF", "NOTPROVIDED", "NONE"].contains(trimmed.uppercased()) else { return nil }
        return trimmed
    }
}
