import ArgumentParser
import BankGateConfig

/// `bankgate configuration show`: `GET /v1/configuration`, the configuration in force and its last reload.
struct ConfigurationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "configuration", abstract: "The running daemon's configuration file and its reloads.", subcommands: [Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show the configuration in force: file, SHA-256, when loaded, the last reload (SIGHUP) and what needs a restart.")

        @OptionGroup var connection: ConnectionOptions

        @Flag(help: "Print the API's JSON.")
        var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let body = try await connection.client(preferring: [.operate]).get("/v1/configuration")
                if json { return printRaw(body) }
                let state = try JSONDocument(body)
                let restart = state.strings("restart_required") ?? []
                print(labelledLines([
                    ("File", orDash(state.string("path"))), ("SHA-256", orDash(state.string("sha256"))),
                    ("Loaded", orDash(state.string("loaded_at"))), ("Last reload", state.string("last_reload_at") ?? "never"),
                    ("Reload error", state.string("last_reload_at") == nil ? nil : state.string("last_reload_error") ?? "none (applied)"),
                    ("Restart required", restart.isEmpty ? "no" : restart.joined(separator: ", ")),
                ]))
            }
        }
    }
}
