import ArgumentParser
import BankGateCore
import BankGateConfig

/// `bankgate status`: the queue at a glance, from the running daemon.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the payment queue: counts per status and per bank, circuit state, oldest waiting payment."
    )

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Print the API's JSON instead of tables.")
    var json = false

    func run() async throws {
        try await runOperator { () async throws(OperatorFailure) in
            let client = try connection.client(preferring: [.operate])
            let body = try await client.get("/v1/queue")
            if json {
                printRaw(body)
            } else {
                print(Self.render(try OperatorClient.decode(QueueDocument.self, body)))
            }
        }
    }

    /// The overview as text: totals per status, then one row per bank.
    static func render(_ queue: QueueDocument) -> String {
        var lines: [String] = []
        let total = queue.counts.values.reduce(0, +)
        lines.append("Payments: \(total)")
        if !queue.counts.isEmpty {
            var table = TextTable("STATUS", "COUNT")
            for status in orderedStatuses(queue.counts) {
                table.add(status, String(queue.counts[status] ?? 0))
            }
            lines.append(table.render())
        }
        lines.append("")
        if queue.banks.isEmpty {
            lines.append("No banks.")
        } else {
            var table = TextTable("BANK", "CIRCUIT", "IN FLIGHT", "OLDEST QUEUED", "ARCHIVED BYTES", "BY STATUS")
            for bank in queue.banks {
                let counts = orderedStatuses(bank.counts).map { "\($0)=\(bank.counts[$0] ?? 0)" }.joined(separator: " ")
                table.add(bank.bankId, bank.circuit, String(bank.inFlight),
                          bank.oldestQueuedAgeSeconds.map { ageText(seconds: $0) } ?? "-",
                          bank.archivedBytes.map(String.init) ?? "-", counts.isEmpty ? "-" : counts)
            }
            lines.append(table.render())
        }
        return lines.joined(separator: "\n")
    }

    /// Status names in the order of the state machine, unknown names last.
    static func orderedStatuses(_ counts: [String: Int]) -> [String] {
        let known = PaymentStatus.allCases.map(\.rawValue).filter { counts[$0] != nil }
        let others = counts.keys.filter { PaymentStatus(rawValue: $0) == nil }.sorted()
        return known + others
    }
}
