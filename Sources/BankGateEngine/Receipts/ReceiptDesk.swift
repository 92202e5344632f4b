import BankGateCore
public import BankGateStore
import BankGateTransport
import Logging

/// What finance asks of electronic receipts: pull an account's day now, list, show, and hand over
/// a receipt's file exactly as kept — never a file found altered or missing.
public final class ReceiptDesk: Sendable {
    public let pulls: ReceiptPullService
    let store: ReceiptStore
    let files: ContentAddressedFiles
    let logger: Logger

    public init(pulls: ReceiptPullService) {
        self.pulls = pulls
        self.store = pulls.receipts
        self.files = pulls.files
        self.logger = pulls.logger
    }

    /// A page of receipts and the cursor of the next one (`nil` on the last page).
    public struct Page: Sendable {
        public var receipts: [ReceiptRecord]
        public var nextCursor: String?
    }

    /// Pulls `accountId`'s receipts for `date` now.
    public func pull(accountId: String, date: String) async throws(GatewayError) -> ReceiptPullResult {
        try await pulls.pull(accountId: accountId, date: date)
    }

    /// Receipts matching `filter`, oldest first, after `cursor`.
    public func list(_ filter: ReceiptFilter, cursor: String?, limit: Int) async throws(GatewayError) -> Page {
        if let cursor, ReceiptRecord.rowId(cursor) == nil {
            throw GatewayError(.badRequest, code: .invalidParameter, message: "cursor must be a receipt id", field: "cursor")
        }
        do {
            let receipts = try await store.receipts(filter, after: cursor, limit: limit + 1)
            return Page(receipts: Array(receipts.prefix(limit)), nextCursor: receipts.count > limit ? receipts[limit - 1].id : nil)
        } catch {
            throw GatewayError(storeError: error)
        }
    }

    /// One receipt with its links.
    public func receipt(id: String) async throws(GatewayError) -> ReceiptRecord {
        let found: ReceiptRecord?
        do {
            found = try await store.receipt(id: id)
        } catch {
            throw GatewayError(storeError: error)
        }
        guard let found else { throw GatewayError(.notFound, code: .notFound, message: "no receipt with this id") }
        return found
    }

    /// A receipt and its file's bytes, checked against the hash it was kept under.
    /// - Throws: `receipt_integrity_failed` (500) when the file is altered or missing.
    public func file(id: String) async throws(GatewayError) -> (receipt: ReceiptRecord, bytes: [UInt8]) {
        let receipt = try await receipt(id: id)
        do {
            return (receipt, try files.read(receipt.draft.sha256))
        } catch {
            logger.error("receipt file altered or missing", metadata: ["receipt": "\(receipt.id)", "error": "\(error)"])
            throw GatewayError(.internal, code: .receiptIntegrityFailed,
                               message: "the file of receipt \(receipt.id) does not match the hash it was kept under")
        }
    }

    /// A receipt whose kept file does not match its hash.
    public struct IntegrityFailure: Sendable, Hashable {
        public var receiptId: String
        public var sha256: String
        /// `missing` or `altered`.
        public var problem: String
        /// The hash of the bytes found, when altered.
        public var foundSHA256: String?
    }

    /// What ``verify()`` found: how many receipts it checked and those whose file is missing or altered.
    public struct Verification: Sendable {
        public var checked: Int
        public var failures: [IntegrityFailure]
    }

    /// Re-hashes the kept file of every receipt; each one missing or altered is returned, and
    /// recorded (`receipt.integrity_failed`, audited) once per finding. Run daily
    /// (`ReceiptIntegrityWatch`) and by `bankgate receipts verify`.
    public func verify() async throws(GatewayError) -> Verification {
        var verification = Verification(checked: 0, failures: [])
        var cursor: String?
        repeat {
            let page: [ReceiptRecord]
            do {
                page = try await store.receipts(ReceiptFilter(), after: cursor, limit: 500)
            } catch {
                throw GatewayError(storeError: error)
            }
            for receipt in page {
                verification.checked += 1
                let state: ContentAddressedFiles.FileState
                do {
                    state = try files.check(receipt.draft.sha256)
                } catch {
                    logger.error("receipt file cannot be checked", metadata: ["receipt": "\(receipt.id)", "error": "\(error)"])
                    throw GatewayError(.unavailable, code: .storeUnavailable, message: "receipt files cannot be read: \(error)")
                }
                let failure: IntegrityFailure
                switch state {
                case .intact: continue
                case .missing:
                    failure = IntegrityFailure(receiptId: receipt.id, sha256: receipt.draft.sha256, problem: "missing")
                case .altered(let actual):
                    failure = IntegrityFailure(receiptId: receipt.id, sha256: receipt.draft.sha256, problem: "altered",
                                               foundSHA256: actual)
                }
                logger.error("receipt file altered or missing", metadata: ["receipt": "\(receipt.id)", "problem": "\(failure.problem)"])
                do {
                    _ = try await store.recordIntegrityFailure(receiptId: failure.receiptId, sha256: failure.sha256,
                                                           problem: failure.problem, foundSHA256: failure.foundSHA256,
                                                           at: pulls.clock.now())
                } catch {
                    throw GatewayError(storeError: error)
                }
                verification.failures.append(failure)
            }
            cursor = page.count == 500 ? page.last?.id : nil
        } while cursor != nil
        return verification
    }
}
