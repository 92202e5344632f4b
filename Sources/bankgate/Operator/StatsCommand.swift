import ArgumentParser
import BankGateConfig

/// `bankgate stats throughput [--hours H] [--bucket-minutes M]`: `GET /v1/stats/throughput`.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Installation-wide payment statistics.", subcommands: [Throughput.self])

    struct Throughput: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "throughput", abstract: "Payments per interval over the last hours: accepted, completed, rejected or failed, unknown, held.")

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "The window, 1 to 168 hours (default 24).")
        var hours: Int?

        @Option(help: "The interval in minutes, 1 to 1440 (default 60; at most 2000 intervals).")
        var bucketMinutes: Int?

        @Flag(help: "Print the API's JSON.")
        var json = false

        func validate() throws {
            if let hours, !(1...168).contains(hours) { throw ValidationError("--hours must be from 1 to 168") }
            if let bucketMinutes, !(1...1440).contains(bucketMinutes) { throw ValidationError("--bucket-minutes must be from 1 to 1440") }
        }

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let query = OperatorQuery([("hours", hours.map(String.init)), ("bucket_minutes", bucketMinutes.map(String.init))])
                let body = try await connection.client(preferring: [.operate]).get("/v1/stats/throughput" + query.text)
                if json { return printRaw(body) }
                print(Self.render(try JSONDocument(body)))
            }
        }

        static let columns = ["accepted", "completed", "rejected_or_failed", "unknown", "held"]

        /// One row per interval and a total row.
        static func render(_ stats: JSONDocument) -> String {
            var table = TextTable("START", "ACCEPTED", "COMPLETED", "REJECTED/FAILED", "UNKNOWN", "HELD")
            var totals = [Int64](repeating: 0, count: columns.count)
            for bucket in stats.list("buckets") {
                let counts = columns.map { Int64(bucket.string($0) ?? "") ?? 0 }
                for (index, count) in counts.enumerated() { totals[index] += count }
                table.rows.append([orDash(bucket.string("start"))] + counts.map(String.init))
            }
            table.rows.append(["total"] + totals.map(String.init))
            return "Last \(orDash(stats.string("hours"))) h in \(orDash(stats.string("bucket_minutes"))) min intervals\n" + table.render()
        }
    }
}
