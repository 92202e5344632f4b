import ArgumentParser
import BankGateConfig
import BankGateCore
import Foundation

/// `bankgate schedules create|delete`: plans made through the API (`POST /v1/schedules`,
/// `DELETE /v1/schedules/{name}`); the configuration file's plans are changed in the file.
extension SchedulesCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Make a plan through the API from a JSON file with the keys of a [[schedules]] entry ('-': standard input).")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The plan as JSON, e.g. {\"name\": \"noon\", \"kind\": \"balance_pull\", \"at\": [\"12:30\"], \"accounts\": [\"acme-eur\"]}.")
        var file: String
        @Flag(help: "Print the API's JSON.") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: file)
                guard let data else {
                    throw OperatorFailure(message: "cannot read \(file)", exitCode: OperatorFailure.usage)
                }
                let body = try await connection.client(preferring: [.operate]).post("/v1/schedules", body: Array(data))
                if json { return printRaw(body) }
                let plan = try JSONDocument(body)
                print("created \(orDash(plan.string("name"))) (\(orDash(plan.string("kind")))), next run \(orDash(plan.string("next_run")))")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete",
                                                        abstract: "Remove a plan made through the API (its jobs stay).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The plan's name.") var name: String

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                _ = try await connection.client(preferring: [.operate]).send("DELETE", "/v1/schedules/\(OperatorClient.escape(name))")
                print("deleted \(name)")
            }
        }
    }
}
