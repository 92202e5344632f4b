import ArgumentParser
import BankGateConfig
import BankGateCrypto
import Foundation

/// `bankgate tokens hash`: the `token_sha256` of an API token, so that the configuration file need
/// not hold the token itself.
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "API tokens: print the hash to configure instead of the token.",
        subcommands: [Hash.self]
    )

    /// `tokens hash`: reads one token from standard input (never from the command line, where it
    /// would be seen in the process list and the shell history) and prints its SHA-256.
    struct Hash: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hash",
            abstract: "Read a token from standard input; print its SHA-256 for `token_sha256 = \"…\"`.")

        func run() async throws {
            try await runOperator { () throws(OperatorFailure) in
                let input = FileHandle.standardInput.readDataToEndOfFile()
                var token = String(decoding: input, as: UTF8.self)
                while token.hasSuffix("\n") || token.hasSuffix("\r") { token.removeLast() }
                if let problem = Self.problem(token) {
                    throw OperatorFailure(message: problem, exitCode: OperatorFailure.usage)
                }
                print(SHA256.hex(Array(token.utf8)))
            }
        }

        /// What makes `token` unusable as an API token, as the configuration would say it.
        static func problem(_ token: String) -> String? {
            if token.unicodeScalars.count < TokenConfig.minimumTokenLength {
                return "a token must be at least \(TokenConfig.minimumTokenLength) characters long (read from standard input)"
            }
            if !token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
                return "a token must be printable ASCII without spaces"
            }
            return nil
        }
    }
}
