/// `[logging]`: how the daemon writes its log lines (issue 12, "What operators see"). Every key is
/// optional; `bankgate serve --log-level` overrides `level`.
public struct LoggingConfig: Sendable, Hashable {
    /// `format`: one line per record, either `key=value` pairs or one JSON object.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// `logfmt`: `at=… level=info msg="…" bank=sim code=AM04`.
        case logfmt
        /// `json`: `{"at":"…","level":"info","msg":"…","bank":"sim"}`.
        case json
    }

    /// `format`; default `logfmt`.
    public var format: Format
    /// `level`: `trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`; default `info`.
    public var level: String

    /// The levels `level` accepts, as swift-log spells them.
    public static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    public init(format: Format = .logfmt, level: String = "info") {
        self.format = format
        self.level = level
    }

    /// The keys of `[logging]`.
    static let keys = ["format", "level"]

    static func decode(_ reader: TableReader) -> LoggingConfig {
        var config = LoggingConfig()
        if let format = reader.string("format", required: false) {
            if let value = Format(rawValue: format.value) {
                config.format = value
            } else {
                reader.report("format", "must be \"logfmt\" or \"json\", not \"\(format.value)\"", line: format.line)
            }
        }
        if let level = reader.string("level", required: false) {
            if levels.contains(level.value) {
                config.level = level.value
            } else {
                reader.report("level", "must be one of \(levels.joined(separator: ", ")), not \"\(level.value)\"", line: level.line)
            }
        }
        return config
    }
}
