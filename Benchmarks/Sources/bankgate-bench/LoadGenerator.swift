import Foundation
import Synchronization

/// A closed-loop load generator: `clients` threads, each with its own keep-alive connection, take
/// the next request from a shared counter and send it as soon as their previous answer arrived,
/// until all `requests` are answered. Requests are built before the clock starts.
struct LoadGenerator: Sendable {
    /// What a run measured.
    struct Result {
        var requests: Int
        var seconds: Double
        /// Per request, sorted, in nanoseconds.
        var latencies: [UInt64]
        /// Answers by HTTP status.
        var statuses: [Int: Int]
        /// Transport errors (each ends its client's loop).
        var errors: [String]

        var perSecond: Double { Double(requests) / seconds }
    }

    let port: UInt16
    let clients: Int

    /// Sends every request of `requests` once and returns the timings.
    func run(_ requests: [[UInt8]]) -> Result {
        let next = Atomic<Int>(0)
        let collected = Mutex<(latencies: [UInt64], statuses: [Int: Int], errors: [String])>(([], [:], []))
        let ready = DispatchSemaphore(value: 0)
        let go = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let shared = RequestList(requests)
        for _ in 0..<clients {
            let thread = Thread { [port] in
                var latencies: [UInt64] = []
                var statuses: [Int: Int] = [:]
                var failure: String?
                latencies.reserveCapacity(shared.requests.count / max(1, clients) + 16)
                do {
                    let connection = try RawHTTPConnection(port: port)
                    ready.signal()
                    go.wait()
                    while true {
                        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                        guard index < shared.requests.count else { break }
                        let start = Stats.nanos()
                        let answer = try connection.exchange(shared.requests[index])
                        latencies.append(Stats.nanos() - start)
                        statuses[answer.status, default: 0] += 1
                    }
                } catch {
                    failure = "\(error)"
                    ready.signal()
                    go.wait()
                }
                collected.withLock { all in
                    all.latencies += latencies
                    for (status, count) in statuses { all.statuses[status, default: 0] += count }
                    if let failure { all.errors.append(failure) }
                }
                done.signal()
            }
            thread.start()
        }
        for _ in 0..<clients { ready.wait() }
        let start = Stats.nanos()
        for _ in 0..<clients { go.signal() }
        for _ in 0..<clients { done.wait() }
        let seconds = Double(Stats.nanos() - start) / 1e9
        return collected.withLock { all in
            Result(requests: all.latencies.count, seconds: seconds, latencies: all.latencies.sorted(),
                   statuses: all.statuses, errors: all.errors)
        }
    }
}

/// The prepared requests, shared read-only by the client threads.
final class RequestList: Sendable {
    let requests: [[UInt8]]
    init(_ requests: [[UInt8]]) { self.requests = requests }
}

extension LoadGenerator.Result {
    /// Throughput, latency percentiles and status counts, one line each.
    func report(_ label: String) -> String {
        var lines = ["\(label): \(requests) requests in \(String(format: "%.3f", seconds)) s = \(Stats.grouped(perSecond))/s"]
        let p = { (f: Double) in Stats.milliseconds(Stats.percentile(latencies, f)) }
        lines.append("\(label): latency ms p50 \(p(0.5)) p90 \(p(0.9)) p99 \(p(0.99)) p99.9 \(p(0.999)) max \(p(1.0))")
        let statusText = statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
        lines.append("\(label): answers \(statusText)" + (errors.isEmpty ? "" : "; errors: \(errors.joined(separator: "; "))"))
        return lines.joined(separator: "\n")
    }
}

/// Hands out indexes 0, 1, 2… to concurrent workers.
final class NextIndex: Sendable {
    private let value = Atomic<Int>(0)
    /// The next index, or `nil` once `limit` is reached.
    func take(below limit: Int) -> Int? {
        let index = value.wrappingAdd(1, ordering: .relaxed).oldValue
        return index < limit ? index : nil
    }
}
