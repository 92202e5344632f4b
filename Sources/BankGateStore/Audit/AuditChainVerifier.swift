/// Where an audit chain stops holding, and why.
public struct AuditChainBreak: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The record's content does not hash to its stored hash: changed after it was written, or
        /// put in without its hash.
        case altered
        /// The record sits between two records that were chained to each other: it was put in later.
        case inserted
        /// One or more records before this one are gone: its predecessor hash names a record that
        /// is not there.
        case removed
        /// The record's predecessor hash does not match the record before it, which itself hashes
        /// right: that one was rewritten with a recomputed hash, or the chain was otherwise spliced.
        case broken
        /// The record carries no hash at all.
        case unchained
        /// The chain does not reach the head an earlier log line recorded (records cut from its end,
        /// or the head rewritten).
        case headMismatch = "head_mismatch"
    }

    public var kind: Kind
    /// The first record that was altered, inserted or removed (for `removed`: the first missing id
    /// when the ids show a gap, else the record after the gap).
    public var recordId: Int64
    public var detail: String

    public var description: String { "record \(recordId) \(kind.rawValue): \(detail)" }
}

/// Walks audit records in id order and finds the first place the hash chain does not hold
/// (``AuditChain``). Fed record by record, so a chain of any length is checked in bounded memory;
/// the same walk checks the whole trail in the database and an exported excerpt on its own.
public struct AuditChainVerifier: Sendable {
    private var previous: AuditRecord?
    private var beforePrevious: AuditRecord?
    /// Records checked so far.
    public private(set) var checked = 0
    /// The first break found; the walk stops there.
    public private(set) var firstBreak: AuditChainBreak?
    /// The hash the first record must name as its predecessor: ``AuditChain/genesis`` for the whole
    /// chain, the excerpt's anchor for an excerpt.
    let anchor: String

    /// - Parameter anchor: the predecessor hash of the first record fed (`nil`: the chain's genesis).
    public init(anchor: String? = nil) {
        self.anchor = anchor ?? AuditChain.genesis
    }

    /// The last record that checked out (the head so far).
    public var head: AuditRecord? { firstBreak == nil ? previous : nil }

    /// Checks the next record. Returns `false` once a break is found (feed no more).
    @discardableResult
    public mutating func check(_ record: AuditRecord) -> Bool {
        guard firstBreak == nil else { return false }
        checked += 1
        if let problem = problem(record) {
            firstBreak = problem
            return false
        }
        beforePrevious = previous
        previous = record
        return true
    }

    /// Checks that the chain ends at the head a log line recorded: record `id` with `hash`.
    public mutating func expectHead(id: Int64, hash: String, found: AuditRecord?) {
        guard firstBreak == nil else { return }
        guard let found else {
            firstBreak = AuditChainBreak(kind: .headMismatch, recordId: id,
                                         detail: "the logged head record \(id) is not in the trail (records cut from its end)")
            return
        }
        if found.hash != hash {
            firstBreak = AuditChainBreak(kind: .headMismatch, recordId: id,
                                         detail: "record \(id) hashes to \(found.hash), the logged head was \(hash)")
        }
    }

    private func problem(_ record: AuditRecord) -> AuditChainBreak? {
        if record.hash.isEmpty || record.previousHash.isEmpty {
            return AuditChainBreak(kind: .unchained, recordId: record.id, detail: "it carries no hash")
        }
        let expected = previous?.hash ?? anchor
        if record.previousHash != expected {
            if let previous, let beforePrevious, record.previousHash == beforePrevious.hash {
                return AuditChainBreak(kind: .inserted, recordId: previous.id,
                                       detail: "records \(beforePrevious.id) and \(record.id) were chained to each other; record \(previous.id) was put between them")
            }
            if let previous, record.id > previous.id + 1 {
                let missing = record.id - previous.id - 1
                return AuditChainBreak(kind: .removed, recordId: previous.id + 1,
                                       detail: missing == 1 ? "record \(previous.id + 1) is gone (record \(record.id) names its hash as its predecessor)"
                                                            : "records \(previous.id + 1)–\(record.id - 1) are gone")
            }
            if previous == nil, record.id > 1, anchor == AuditChain.genesis {
                return AuditChainBreak(kind: .removed, recordId: 1,
                                       detail: "the trail starts at record \(record.id); the records before it are gone")
            }
            let before = previous.map { "record \($0.id)" } ?? "the anchor"
            return AuditChainBreak(kind: .broken, recordId: previous?.id ?? record.id,
                                   detail: "record \(record.id) names \(record.previousHash) as its predecessor, \(before) hashes to \(expected): "
                                       + "rewritten with a recomputed hash, or a record between them removed")
        }
        let computed = record.computedHash
        if computed != record.hash {
            return AuditChainBreak(kind: .altered, recordId: record.id,
                                   detail: "its content hashes to \(computed), it was written as \(record.hash)")
        }
        return nil
    }
}
