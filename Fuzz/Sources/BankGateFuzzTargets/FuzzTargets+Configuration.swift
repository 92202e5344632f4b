import BankGateAdapters
import BankGateConfig

extension FuzzTargets {
    /// The TOML reader alone.
    static let toml = FuzzTarget(name: "toml", summary: "TOML reader (TOMLParser)") { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        return FuzzTarget.outcome { _ = try TOMLParser.parse(text) }
    }

    /// The whole configuration: TOML, then every section checked with the keys of every adapter.
    /// Relative paths resolve against a folder that does not exist, so no file is read through them.
    static let configuration = FuzzTarget(name: "config", summary: "the whole configuration (BankGateConfiguration.parse)") { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        return FuzzTarget.outcome {
            _ = try BankGateConfiguration.parse(text, fileName: "fuzz.toml", baseDirectory: "/nonexistent/bankgate-fuzz")
        }
    }
}
