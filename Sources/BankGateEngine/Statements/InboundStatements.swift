import BankGateArchive
public import BankGateCore
import Foundation
import BankGateStatements
import BankGateStore
import Logging

/// Receives the statement files a bank delivers to its inbox (host-to-host).
public protocol InboundStatementSink: Sendable {
    /// Imports `file`, archived as `archivedAs`; nil when it is stored, otherwise why not (the file
    /// then goes to `failed/` with that reason beside it).
    func importInbound(_ file: InboundFile, bankId: String, archivedAs: Int64?) async -> String?
}

/// Tells a statement file from a status report by its first bytes.
enum InboundFileKind {
    case statement
    case statusReport

    /// MT940/MT942 by their syntax; camt.052/053/054 by their namespace; a ZIP archive (of
    /// statements, see ``StatementIngestor``); anything else is read as a status report.
    static func of(_ prefix: [UInt8]) -> InboundFileKind {
        if ZipArchive.isArchive(prefix) { return .statement }
        switch StatementFormatDetector.detect(prefix.prefix(StatementFormatDetector.prefixLength)) {
        case .mt940?:
            return .statement
        case .camt?:
            let marker = Array("tech:xsd:camt.05".utf8)
            let window = prefix.prefix(8192)
            guard window.count >= marker.count else { return .statusReport }
            for start in 0...(window.count - marker.count) where window[start] == marker[0] {
                if Array(window[start..<(start + marker.count)]) == marker { return .statement }
            }
            return .statusReport
        default:
            return .statusReport
        }
    }

    /// The message name a statement file's first bytes announce, for the archive: `MT940` (which
    /// also stands for MT942), the camt namespace's `camt.053.001.08`…, else `statement`.
    static func statementMessageName(_ prefix: [UInt8]) -> String {
        switch StatementFormatDetector.detect(prefix.prefix(StatementFormatDetector.prefixLength)) {
        case .mt940?:
            return "MT940"
        case .camt?:
            let window = String(decoding: prefix.prefix(8192), as: UTF8.self)
            guard let marker = window.range(of: "tech:xsd:camt.") else { return "camt" }
            let name = window[marker.upperBound...].prefix { $0.isNumber || $0 == "." }
            return "camt." + name.trimmingCharacters(in: .init(charactersIn: "."))
        default:
            return "statement"
        }
    }
}

extension AccountReports: InboundStatementSink {
    public func importInbound(_ file: InboundFile, bankId: String, archivedAs: Int64?) async -> String? {
        do {
            let results: [StatementImportResult]
            if file.isPartial, let path = file.path {
                results = try await importStatementFile(at: path, format: .auto, source: .folder, sourceName: file.name)
            } else {
                results = try await importStatement(bytes: file.bytes, format: .auto, source: .folder, sourceName: file.name)
            }
            if let archivedAs {
                await linkArchived(results, to: archivedAs)
            }
            logger.info("statement file imported", metadata: [
                "bank": "\(bankId)", "file": "\(file.name)", "statements": "\(results.count)",
                "new_entries": "\(results.reduce(0) { $0 + $1.newEntries })",
            ])
            return nil
        } catch {
            logger.warning("statement file refused", metadata: ["bank": "\(bankId)", "file": "\(file.name)", "error": "\(error.message)"])
            return "\(error.code): \(error.message)"
        }
    }
}
