import Foundation

/// `bankgate-bench e2e --port P --token T [--clients 32] [--count 5000] [--cny-account ID | --hkd-account ID] [--creditor-address no] [--remittance no]`: submits `count` sample
/// payments like ``IntakeBench``, then polls `GET /v1/queue` every 20 ms until every payment has a
/// final status, and reports completed payments per second from the first submission.
enum EndToEndBench {
    static func run(_ options: Options) throws {
        let port = try IntakeBench.port(options)
        let token = try options.string("token")
        let clients = try options.int("clients", default: 32)
        let count = try options.int("count", default: 5_000)
        let timeout = Double(try options.int("timeout-s", default: 600))
        let prefix = options.string("key-prefix", default: "e2e-\(UInt32.random(in: 0...UInt32.max))")
        // `--cny-account acme-cmb` sends CNY payments to another bank from that account instead.
        let cnyAccount = options.string("cny-account", default: "")
        // `--hkd-account acme-hkd` sends local HKD payments from that account (HSBC, BOCHK).
        let hkdAccount = options.string("hkd-account", default: "")
        // `--creditor-address no` leaves the creditor's address out (CCB, ABC refuse one).
        let withAddress = options.string("creditor-address", default: "yes") != "no"
        // `--remittance no` leaves the remittance text out (CCB's 6W8060 has no field for one).
        let withRemittance = options.string("remittance", default: "yes") != "no"
        let requests = (0..<count).map { index in
            HTTPRequest.make(method: "POST", path: "/v1/payments", port: port, token: token,
                             headers: [("Idempotency-Key", "\(prefix)-\(index)")],
                             body: Array((!hkdAccount.isEmpty ? SampleData.hkdRequestBody(index, account: hkdAccount)
                                          : cnyAccount.isEmpty ? SampleData.requestBody(index)
                                          : SampleData.cnyRequestBody(index, account: cnyAccount, withAddress: withAddress,
                                                                           withRemittance: withRemittance)).utf8))
        }
        let before = try counts(port: port, token: token)
        let start = Stats.nanos()
        let intake = LoadGenerator(port: port, clients: clients).run(requests)
        print(intake.report("e2e intake (\(clients) clients)"))
        guard intake.statuses[201] == count else { throw HTTPClientError(description: "not every payment was accepted") }

        let final = ["completed", "rejected", "failed", "cancelled", "returned"]
        var latest: [String: Int] = [:]
        while true {
            latest = try counts(port: port, token: token)
            let finished = final.reduce(0) { $0 + (latest[$1] ?? 0) - (before[$1] ?? 0) }
            if finished >= count { break }
            if Double(Stats.nanos() - start) / 1e9 > timeout {
                throw HTTPClientError(description: "timed out after \(Int(timeout)) s; counts \(latest)")
            }
            usleep(20_000)
        }
        let seconds = Double(Stats.nanos() - start) / 1e9
        let completed = (latest["completed"] ?? 0) - (before["completed"] ?? 0)
        print("e2e: \(count) payments final after \(String(format: "%.3f", seconds)) s; completed \(completed) "
              + "= \(Stats.grouped(Double(completed) / seconds)) completed/s")
        print("e2e: final counts \(latest.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
    }

    /// `GET /v1/queue` → the overall counts by status.
    static func counts(port: UInt16, token: String) throws -> [String: Int] {
        let connection = try RawHTTPConnection(port: port)
        let answer = try connection.exchange(HTTPRequest.make(method: "GET", path: "/v1/queue", port: port, token: token))
        guard answer.status == 200,
              let object = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any],
              let counts = object["counts"] as? [String: Any] else {
            throw HTTPClientError(description: "GET /v1/queue answered \(answer.status)")
        }
        return counts.compactMapValues { ($0 as? NSNumber)?.intValue }
    }
}
