import BankGateArchive
import BankGateCore
import BankGateStatements
import BankGateStore

/// Receives the statement files a bank delivers to its inbox (host-to-host).
public protocol InboundStatementSink: Sendable {
    /// Imports `file`; nil when it is stored, otherwise why not (the file then goes to `failed/`
    /// with that reason beside it).
    func importInbound(_ file: InboundFile, bankId: String) async -> String?
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
}

extension AccountReports: InboundStatementSink {
    public func importInbound(_ file: InboundFile, bankId: String) async -> String? {
        do {
            let results: [StatementImportResult]
            if file.isPartial, let path = file.path {
                results = try await importStatementFile(at: path, format: .auto, source: .folder, sourceName: file.name)
            } else {
                results = try await importStatement(bytes: file.bytes, format: .auto, source: .folder, sourceName: file.name)
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
