import ArgumentParser
import BankGateCore
import BankGateTransport
import Foundation

/// `bankgate health [--url]`: `GET /healthz` (liveness) and `GET /readyz` (readiness by check), which
/// need no token. Exit status 0 ready, 1 alive but not ready, 3 not reachable.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Is the daemon alive (GET /healthz) and ready to take payments (GET /readyz)? No token needed.",
        discussion: "Exit status: 0 ready, 1 alive but not ready (the failed check is named), 3 not reachable.")

    @Option(help: "The daemon's base URL (default http://127.0.0.1:8080, or $BANKGATE_URL).")
    var url: String?

    @Option(help: ArgumentHelp("CAs to trust for an https:// URL (PEM; or $BANKGATE_CACERT).", valueName: "file"))
    var cacert: String?

    @Flag(help: "Print /readyz's JSON.")
    var json = false

    func validate() throws {
        if let url, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("--url must start with http:// or https://")
        }
    }

    func run() async throws {
        try await runOperator { () async throws(OperatorFailure) in
            let environment = ProcessInfo.processInfo.environment
            var base = url ?? environment["BANKGATE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? ConnectionOptions.defaultURL
            if base.hasSuffix("/") { base.removeLast() }
            let http = HTTPClient(timeoutMilliseconds: 10_000, tls: TLSOptions(caFile: cacert ?? environment["BANKGATE_CACERT"]))
            let live: HTTPResponse, ready: HTTPResponse
            do throws(HTTPClientError) {
                live = try await http.send(method: "GET", url: base + "/healthz")
                ready = try await http.send(method: "GET", url: base + "/readyz", headers: [("Accept", "application/json")])
            } catch {
                throw OperatorFailure(message: "cannot reach bankgate at \(base): \(error.message)", exitCode: OperatorFailure.unreachable)
            }
            if json { printRaw(ready.body) } else { print(Self.render(liveStatus: live.status, ready: ready)) }
            guard ready.status == 200 else {
                throw OperatorFailure(message: "not ready (HTTP \(ready.status))", exitCode: OperatorFailure.apiError)
            }
        }
    }

    /// `alive: yes`, `ready: yes|no`, and one line per readiness check.
    static func render(liveStatus: Int, ready: HTTPResponse) -> String {
        var lines = ["alive: " + (liveStatus == 200 ? "yes" : "no (HTTP \(liveStatus))"),
                     "ready: " + (ready.status == 200 ? "yes" : "no (HTTP \(ready.status))")]
        if let document = try? JSONDocument(ready.body), let checks = document.child("checks") {
            var table = TextTable("CHECK", "OK", "DETAIL")
            for name in document.fields("checks").map(\.name) {
                let check = checks.child(name)
                table.add(name, orDash(check?.string("ok")), orDash(check?.string("detail")))
            }
            if !table.rows.isEmpty { lines.append(table.render()) }
        }
        return lines.joined(separator: "\n")
    }
}
