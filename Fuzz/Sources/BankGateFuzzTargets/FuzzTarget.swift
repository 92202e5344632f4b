/// One decoder under fuzzing: a name (`pain002`, `camt` …) and what it does with one input.
///
/// `run` feeds the bytes to the decoder's public entry points the way the gateway does and says
/// whether the main one decoded them or refused them with its typed error. It never traps on its
/// own: a crash, a hang or runaway memory while it runs is a bug in the decoder.
public struct FuzzTarget: Sendable {
    /// What the decoder made of one input.
    public enum Outcome: Sendable, Hashable, CustomStringConvertible {
        /// The main entry point returned a value.
        case decoded
        /// The main entry point threw its typed error (the error's words).
        case refused(String)

        public var description: String {
            switch self {
            case .decoded: "decoded"
            case .refused(let reason): "refused: \(reason)"
            }
        }
    }

    /// The target's name on the command line and its folder under `Fuzz/Corpus` and `Fuzz/Regressions`.
    public let name: String
    /// What is fuzzed, in a few words.
    public let summary: String
    /// Runs one input through the decoder.
    public let run: @Sendable ([UInt8]) -> Outcome

    public init(name: String, summary: String, run: @escaping @Sendable ([UInt8]) -> Outcome) {
        self.name = name
        self.summary = summary
        self.run = run
    }

    /// The outcome of a throwing call: `.decoded` when it returns, else the error's words.
    static func outcome(_ body: () throws -> Void) -> Outcome {
        do {
            try body()
            return .decoded
        } catch {
            return .refused(String(describing: error))
        }
    }
}
