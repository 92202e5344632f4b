import BankGateCore

/// An excerpt of the audit trail as JSON lines that can be verified without the database: a
/// header line (`format`, the id range, and `anchor`, the predecessor hash of its first record),
/// then one line per record with every hashed field and both hashes.
///
/// ```
/// {"format":"bankgate-audit-excerpt/1","first_id":41,"last_id":97,"records":57,"anchor":"9f…","head":"c2…"}
/// {"id":41,"at_ms":1764780000000,"at":"2026-12-03T16:40:00.000Z","actor":"api","action":"payment.transition",…,"previous_hash":"9f…","hash":"5d…"}
/// ```
///
/// The anchor and head are what to compare with the chain heads the daemon logs (at start and
/// daily): an excerpt whose records all hash right and chain from its anchor to its head is the
/// trail as it was written.
public enum AuditExcerpt {
    public static let format = "bankgate-audit-excerpt/1"

    /// The header line of an excerpt of `records` records from `firstId` to `lastId`.
    public static func header(firstId: Int64, lastId: Int64, records: Int, anchor: String, head: String) -> String {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.field("format", format)
        writer.field("first_id", firstId)
        writer.field("last_id", lastId)
        writer.field("records", records)
        writer.field("anchor", anchor)
        writer.field("head", head)
        writer.endObject()
        return writer.text
    }

    /// One record's line.
    public static func line(_ record: AuditRecord) -> String {
        var writer = JSONWriter(capacity: 384 + (record.details?.utf8.count ?? 0))
        writer.beginObject()
        writer.field("id", record.id)
        writer.field("at_ms", record.at.milliseconds)
        writer.field("at", record.at.iso8601)
        writer.field("actor", record.actor)
        writer.field("action", record.action)
        writer.field("subject_kind", record.subjectKind)
        writer.field("subject_id", record.subjectId)
        writer.field("details", record.details)
        writer.field("previous_hash", record.previousHash)
        writer.field("hash", record.hash)
        writer.endObject()
        return writer.text
    }

    /// Why an excerpt cannot be read.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Verifies an excerpt line by line: every record hashes right and chains from the header's
    /// anchor, ids follow each other, the last record is the header's head and the count matches.
    /// - Throws: ``ReadError`` for a line that is not an excerpt's.
    public static func verify(lines: some Sequence<Substring>) throws(ReadError) -> AuditVerification {
        var verifier: AuditChainVerifier?
        var expected: (first: Int64, last: Int64, records: Int, head: String)?
        var number = 0
        var last: AuditRecord?
        for text in lines {
            number += 1
            if text.allSatisfy(\.isWhitespace) { continue }
            let value: JSONValue
            do {
                value = try JSONValue.parse(Array(text.utf8))
            } catch {
                throw ReadError(line: number, message: "not JSON")
            }
            guard var checker = verifier else {
                guard value["format"]?.stringValue == format, let anchor = value["anchor"]?.stringValue,
                      let head = value["head"]?.stringValue, let first = integer(value["first_id"]),
                      let lastId = integer(value["last_id"]), let count = integer(value["records"]) else {
                    throw ReadError(line: number, message: "the first line must be the excerpt's header (\(format))")
                }
                verifier = AuditChainVerifier(anchor: anchor)
                expected = (first, lastId, Int(count), head)
                continue
            }
            guard let id = integer(value["id"]), let at = integer(value["at_ms"]), let actor = value["actor"]?.stringValue,
                  let action = value["action"]?.stringValue, let kind = value["subject_kind"]?.stringValue,
                  let subject = value["subject_id"]?.stringValue, let previousHash = value["previous_hash"]?.stringValue,
                  let hash = value["hash"]?.stringValue else {
                throw ReadError(line: number, message: "a record needs id, at_ms, actor, action, subject_kind, subject_id, previous_hash and hash")
            }
            let details: String?
            switch value["details"] {
            case .string(let text)?: details = text
            case .null?, nil: details = nil
            default: throw ReadError(line: number, message: "details must be a string or null")
            }
            let record = AuditRecord(id: id, at: Timestamp(milliseconds: at), actor: actor, action: action, subjectKind: kind,
                                     subjectId: subject, details: details, previousHash: previousHash, hash: hash)
            if last == nil, let expected, id != expected.first {
                return AuditVerification(checked: 0, head: nil, firstBreak: AuditChainBreak(
                    kind: .removed, recordId: expected.first, detail: "the excerpt starts at record \(id), its header at \(expected.first)"))
            }
            let holds = checker.check(record)
            verifier = checker
            last = record
            if !holds { break }
        }
        guard var checker = verifier, let expected else {
            throw ReadError(line: max(number, 1), message: "empty: no header")
        }
        if checker.firstBreak == nil {
            if checker.checked != expected.records || last?.id != expected.last {
                return AuditVerification(checked: checker.checked, head: nil, firstBreak: AuditChainBreak(
                    kind: .removed, recordId: (last?.id ?? expected.first - 1) + 1,
                    detail: "the header lists \(expected.records) records up to \(expected.last); the excerpt has \(checker.checked) up to \(last.map { String($0.id) } ?? "none")"))
            }
            checker.expectHead(id: expected.last, hash: expected.head, found: last)
        }
        return AuditVerification(checked: checker.checked, head: checker.head, firstBreak: checker.firstBreak)
    }

    private static func integer(_ value: JSONValue?) -> Int64? {
        guard case .number(let text)? = value else { return nil }
        return Int64(text)
    }
}
