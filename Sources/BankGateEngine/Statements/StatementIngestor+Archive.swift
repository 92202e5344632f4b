import BankGateArchive
import BankGateCore
import BankGateStatements
import BankGateStore
import Foundation

/// ZIP uploads: a statement file that is a ZIP archive (`PK\x03\x04`) is unpacked in memory and each
/// member imported in member order, as if uploaded one by one.
///
/// The whole archive is checked first (``ZipArchive``'s limits, every member inflated with its CRC-32,
/// no nested archive, every member a statement by its first bytes), so a refused archive imports
/// nothing; the members are then inflated again one at a time while they are imported, so memory
/// holds the archive and one member. A member that fails to import stops the import there, like the
/// second file of two uploads: the members before it stay imported (``StatementImportError/imported``).
extension StatementIngestor {
    /// Imports every statement member of the archive in `bytes`.
    func importArchive(_ bytes: [UInt8], format: StatementInputFormat, source: StatementSource, sourceName: String?,
                       expectedAccountId: String?) async throws(StatementImportError) -> [StatementImportResult] {
        let limits = archiveLimits
        let checked: Result<(ZipArchive, [ZipArchive.Member]), StatementImportError> = await Self.onThread {
            do throws(ArchiveError) {
                let archive = try ZipArchive(bytes: bytes, limits: limits)
                var members: [ZipArchive.Member] = []
                for member in archive.members where !member.isSystemMetadata {
                    let contents = try archive.contents(of: member)
                    if format == .auto,
                       StatementFormatDetector.detect(contents.prefix(StatementFormatDetector.prefixLength)) == nil {
                        return .failure(Self.refusal("member \"\(member.name)\" is neither camt XML nor MT940/MT942"))
                    }
                    members.append(member)
                }
                guard !members.isEmpty else { return .failure(Self.refusal("the archive has no statement file")) }
                return .success((archive, members))
            } catch {
                return .failure(Self.refusal(error.description))
            }
        }
        let (archive, members) = try checked.get()
        var results: [StatementImportResult] = []
        for member in members {
            let name = (sourceName.map { "\($0): " } ?? "") + member.name
            do throws(StatementImportError) {
                var imported = try await run(source: source, sourceName: name, expectedAccountId: expectedAccountId) { visitor in
                    let contents = try archive.contents(of: member)
                    try StatementParser.parse(bytes: contents, format: format, visitor: &visitor)
                }
                for index in imported.indices { imported[index].archiveMember = member.name }
                results += imported
            } catch {
                var error = error
                for index in error.imported.indices { error.imported[index].archiveMember = member.name }
                error.message = "member \"\(member.name)\": \(error.message)"
                error.imported = results + error.imported
                throw error
            }
        }
        return results
    }

    /// Reads an archive file whole (at most ``maxArchiveFileBytes``), for ``importFile(at:format:source:sourceName:expectedAccountId:)``.
    static func readArchiveFile(_ path: String, limit: Int) throws(StatementImportError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StatementImportError(code: .malformed, message: "cannot open \(path)", imported: [])
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw StatementImportError(code: .malformed, message: "cannot read \(path): \(error)", imported: [])
        }
        guard data.count <= limit else {
            throw refusal("the archive is over the limit of \(limit) bytes")
        }
        return [UInt8](data)
    }

    /// Whether the file at `path` starts like a ZIP archive.
    static func isArchiveFile(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let prefix = (try? handle.read(upToCount: ZipArchive.magic.count)) ?? Data()
        return ZipArchive.isArchive([UInt8](prefix))
    }

    static func refusal(_ message: String) -> StatementImportError {
        StatementImportError(code: .archiveRefused, message: message, imported: [])
    }

    /// Runs `body` on a thread of its own (inflating is CPU work that must not hold the cooperative pool).
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.name = "bankgate-archive-check"
            thread.start()
        }
    }
}
