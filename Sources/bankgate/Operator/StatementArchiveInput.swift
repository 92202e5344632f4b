import BankGateArchive
import BankGateCore
import BankGateStatements
import Foundation

/// `statements parse` of a ZIP archive: the members unpacked in memory (never written to disk),
/// each read in order into the same printer, with the same limits and refusals as an upload.
enum StatementArchiveInput {
    /// The largest archive file read, as for an upload.
    static let maxArchiveBytes = 64 << 20

    /// Whether the file starts like a ZIP archive (`PK\x03\x04`).
    static func isArchive(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return ZipArchive.isArchive([UInt8]((try? handle.read(upToCount: 4)) ?? Data()))
    }

    /// Prints `member` lines (`{"type": "member", "name": …}` with `--json`, `member NAME` in text)
    /// before each member's statements.
    static func parse(_ path: String, format: StatementParser.Format, json: Bool,
                      printer: inout StatementLinePrinter, write: (String) -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ArchiveError(.malformed, "cannot open the archive")
        }
        defer { try? handle.close() }
        let data = try handle.read(upToCount: maxArchiveBytes + 1) ?? Data()
        guard data.count <= maxArchiveBytes else {
            throw ArchiveError(.tooLarge, "the archive is over the limit of \(maxArchiveBytes) bytes")
        }
        let archive = try ZipArchive(bytes: [UInt8](data))
        for member in archive.members where !member.isSystemMetadata {
            let bytes = try archive.contents(of: member)
            if json {
                var line = JSONWriter()
                line.beginObject()
                line.field("type", "member")
                line.field("name", member.name)
                line.endObject()
                write(line.text + "\n")
            } else {
                write("member \(member.name)\n")
            }
            do {
                try StatementParser.parse(bytes: bytes, format: format, visitor: &printer)
            } catch {
                throw ArchiveError(.malformed, "\(error)", member: member.name)
            }
        }
    }
}
