import Foundation

/// `bankgate-bench intake --port P --token T [--clients 32] [--count 10000] [--batch 1] [--key-prefix K]`:
/// posts `count` sample payments to `POST /v1/payments`, each with its own `Idempotency-Key`,
/// from `clients` concurrent keep-alive connections, and reports accepted payments per second.
/// With `--batch N`, posts them N at a time to `POST /v1/payment-batches` instead.
/// Every answer must be 201; anything else is reported and makes the command fail.
enum IntakeBench {
    static func run(_ options: Options) throws {
        let port = try port(options)
        let token = try options.string("token")
        let clients = try options.int("clients", default: 32)
        let count = try options.int("count", default: 10_000)
        let batch = try options.int("batch", default: 1)
        let prefix = options.string("key-prefix", default: "bench-\(UInt32.random(in: 0...UInt32.max))")
        let requestCount = (count + batch - 1) / batch
        let requests = (0..<requestCount).map { index in
            if batch == 1 {
                return HTTPRequest.make(method: "POST", path: "/v1/payments", port: port, token: token,
                                        headers: [("Idempotency-Key", "\(prefix)-\(index)")],
                                        body: Array(SampleData.requestBody(index).utf8))
            }
            let members = (index * batch..<min(count, (index + 1) * batch)).map(SampleData.requestBody)
            return HTTPRequest.make(method: "POST", path: "/v1/payment-batches", port: port, token: token,
                                    headers: [("Idempotency-Key", "\(prefix)-b\(index)")],
                                    body: Array("{\"payments\":[\(members.joined(separator: ","))]}".utf8))
        }
        let result = LoadGenerator(port: port, clients: clients).run(requests)
        print(result.report("intake (\(clients) clients\(batch > 1 ? ", \(batch) payments a request" : ""))"))
        if batch > 1 {
            print("intake: \(count) payments in \(String(format: "%.3f", result.seconds)) s = "
                  + "\(Stats.grouped(Double(count) / result.seconds)) payments/s")
        }
        guard result.statuses[201] == requestCount, result.errors.isEmpty else {
            throw HTTPClientError(description: "not every request was accepted with 201")
        }
    }

    static func port(_ options: Options) throws -> UInt16 {
        guard let port = UInt16(try options.string("port")) else { throw Options.UsageError(description: "--port must be a port") }
        return port
    }
}
