#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import BankGateConfig
import BankGateCore
public import BankGateEngine
public import Logging

/// The daemon's log lines (issue 12, "What operators see"): one line per record, `logfmt` or
/// JSON (`[logging] format`), with the time, level, logger, message and metadata sorted by key,
/// plus the request and payments of the work under way (``RequestTrace``).
///
/// Nothing secret is written: every configured token is replaced by `[redacted]`, and every run
/// that looks like an account number (9 or more digits, an IBAN) keeps only its last four
/// characters (``AccountNumberMask``), in the message and in every metadata value.
public struct StructuredLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let format: LoggingConfig.Format
    let secrets: [String]
    let write: @Sendable (String) -> Void

    /// - Parameters:
    ///   - secrets: strings never to write (the configured tokens); shorter than 8 characters are ignored.
    ///   - write: where each finished line goes (without its newline); standard error by default.
    public init(label: String, format: LoggingConfig.Format, level: Logger.Level, secrets: [String],
                metadataProvider: Logger.MetadataProvider? = RequestTrace.metadataProvider,
                write: @escaping @Sendable (String) -> Void = StructuredLogHandler.standardError) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.secrets = secrets.filter { $0.utf8.count >= 8 }
        self.metadataProvider = metadataProvider
        self.write = write
    }

    /// Bootstraps swift-log with this handler for the whole process (`bankgate serve`): the format
    /// and level of `[logging]` (`levelOverride`, from `--log-level`, wins), the configured tokens
    /// redacted.
    public static func bootstrap(_ configuration: BankGateConfiguration, levelOverride: String?) {
        let level = Logger.Level(rawValue: levelOverride ?? configuration.logging.level) ?? .info
        let secrets = configuration.tokens.compactMap { token -> String? in
            if case .plain(let secret) = token.secret { return secret }
            return nil
        }
        let format = configuration.logging.format
        LoggingSystem.bootstrap({ label, provider in
            StructuredLogHandler(label: label, format: format, level: level, secrets: secrets, metadataProvider: provider)
        }, metadataProvider: RequestTrace.metadataProvider)
    }

    /// Writes `line` and a newline to standard error in one call.
    public static let standardError: @Sendable (String) -> Void = { line in
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { buffer in _ = writeToStandardError(buffer.baseAddress, buffer.count) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided, uniquingKeysWith: { _, new in new }) }
        if let own = event.metadata { merged.merge(own, uniquingKeysWith: { _, new in new }) }
        var fields: [(String, String)] = [("at", SystemClock().now().iso8601), ("level", event.level.rawValue), ("logger", label),
                                          ("msg", clean(event.message.description))]
        for key in merged.keys.sorted() where !["at", "level", "logger", "msg"].contains(key) {
            fields.append((key, clean(Self.text(merged[key]!))))
        }
        write(format == .json ? Self.json(fields) : Self.logfmt(fields))
    }

    /// `text` with secrets redacted and account numbers masked.
    func clean(_ text: String) -> String {
        var text = text
        for secret in secrets where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return AccountNumberMask.maskAccountNumbers(in: text)
    }

    /// A metadata value as one string (lists and dictionaries as their description).
    static func text(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array, .dictionary: value.description
        }
    }

    /// `key=value …`, quoting values with spaces, quotes, `=` or nothing, and escaping inside quotes.
    static func logfmt(_ fields: [(String, String)]) -> String {
        fields.map { key, value in
            let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || $0.isNewline }
            guard needsQuotes else { return "\(key)=\(value)" }
            var escaped = ""
            for character in value {
                switch character {
                case "\"": escaped += "\\\""
                case "\\": escaped += "\\\\"
                case "\n": escaped += "\\n"
                case "\r": escaped += "\\r"
                default: escaped.append(character)
                }
            }
            return "\(key)=\"\(escaped)\""
        }.joined(separator: " ")
    }

    /// One JSON object, keys in the order given.
    static func json(_ fields: [(String, String)]) -> String {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        for (key, value) in fields { writer.field(key, value) }
        writer.endObject()
        return writer.text
    }
}

extension String {
    /// Every occurrence of `target` replaced by `replacement` (no Foundation needed).
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}

/// `write(2, …)` under a name the handler's `write` property does not shadow.
private func writeToStandardError(_ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(2, bytes, count)
    #elseif canImport(Musl)
    Musl.write(2, bytes, count)
    #else
    Darwin.write(2, bytes, count)
    #endif
}
