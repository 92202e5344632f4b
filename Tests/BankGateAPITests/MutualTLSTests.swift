import BankGateAPI
import BankGateConfig
import BankGateCore
import BankGateTestSupport
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import XCTest

/// The API over HTTPS with client certificates (`[server] tls_*`): a certificate issued by the
/// configured CA whose SHA-256 a token names authenticates as that token; other certificates fail
/// the handshake; the header that carries the certificate to the routes cannot be forged.
/// Certificates are made with the `openssl` command; requests are made with `curl`.
final class MutualTLSTests: XCTestCase {
    /// A CA, the server's certificate for 127.0.0.1, a client certificate from the CA and one from
    /// a CA nobody configured.
    struct Material {
        let directory: URL
        var ca: String { directory.appendingPathComponent("ca.pem").path }
        var server: String { directory.appendingPathComponent("server.pem").path }
        var serverKey: String { directory.appendingPathComponent("server.key").path }
        var client: String { directory.appendingPathComponent("client.pem").path }
        var clientKey: String { directory.appendingPathComponent("client.key").path }
        var rogue: String { directory.appendingPathComponent("rogue.pem").path }
        var rogueKey: String { directory.appendingPathComponent("rogue.key").path }
        /// `openssl x509 -fingerprint -sha256` of the client certificate, with colons.
        var clientFingerprint = ""

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-mtls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let d = directory.path
            try Self.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/ca.key", "-out", "\(d)/ca.pem",
                              "-days", "2", "-subj", "/CN=bankgate test client CA"])
            try Self.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/rogue-ca.key", "-out", "\(d)/rogue-ca.pem",
                              "-days", "2", "-subj", "/CN=someone else's CA"])
            try Self.issue(name: "server", subject: "/CN=127.0.0.1", ca: "ca", in: d, extensions: "subjectAltName=IP:127.0.0.1")
            try Self.issue(name: "client", subject: "/CN=erp-prod/O=ACME", ca: "ca", in: d, extensions: "extendedKeyUsage=clientAuth")
            try Self.issue(name: "rogue", subject: "/CN=erp-prod/O=ACME", ca: "rogue-ca", in: d, extensions: "extendedKeyUsage=clientAuth")
            let printed = try Self.openssl(["x509", "-in", "\(d)/client.pem", "-noout", "-fingerprint", "-sha256"])
            clientFingerprint = String(printed.split(separator: "=").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }

        static func issue(name: String, subject: String, ca: String, in d: String, extensions: String) throws {
            try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/\(name).key", "-out", "\(d)/\(name).csr", "-subj", subject])
            try extensions.write(toFile: "\(d)/\(name).ext", atomically: true, encoding: .utf8)
            try openssl(["x509", "-req", "-in", "\(d)/\(name).csr", "-CA", "\(d)/\(ca).pem", "-CAkey", "\(d)/\(ca).key",
                         "-CAcreateserial", "-out", "\(d)/\(name).pem", "-days", "2", "-extfile", "\(d)/\(name).ext"])
        }

        @discardableResult
        static func openssl(_ arguments: [String]) throws -> String {
            let result = try run("/usr/bin/openssl", arguments)
            guard result.status == 0 else { throw HarnessError("openssl \(arguments.joined(separator: " ")): \(result.output)") }
            return result.output
        }
    }

    struct HarnessError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `curl` against the live API: the HTTP status, or `nil` when no answer came (handshake refused).
    func curl(_ port: Int, _ material: Material, path: String = "/v1/payments", certificate: (String, String)? = nil,
              headers: [String] = [], scheme: String = "https") throws -> Int? {
        var arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "--cacert", material.ca]
        if let (certificate, key) = certificate { arguments += ["--cert", certificate, "--key", key] }
        for header in headers { arguments += ["-H", header] }
        arguments.append("\(scheme)://127.0.0.1:\(port)\(path)")
        let result = try Self.run("/usr/bin/curl", arguments)
        guard result.status == 0, let code = Int(result.output), code != 0 else { return nil }
        return code
    }

    private func withLiveTLSAPI(_ material: Material, clientCertificates: APITLSConfig.ClientCertificates,
                                _ body: (Int) async throws -> Void) async throws {
        let logger = Logger(label: "mtls-tests", factory: { _ in SwiftLogNoOpLogHandler() })
        let policy = APIConnectionPolicy(server: ServerConfig(host: "127.0.0.1", port: 0, dataDirectory: "/tmp"))
        let gate = ConnectionGate(policy: policy, logger: logger)
        var certificateOnly = TokenConfig(name: "erp-cert", secret: .plain(""), scopes: [.eventsRead])
        certificateOnly.clientCertificateSHA256 = String(material.clientFingerprint.filter { $0 != ":" }).lowercased()
        let tokens = TestTokens.all + [certificateOnly]
        let tls = try APITLS(APITLSConfig(certificateFile: material.server, privateKeyFile: material.serverKey,
                                          clientCAFile: material.ca, clientCertificates: clientCertificates))
        let router = APIServer.makeRouter(gateway: FakeGateway(), tokens: tokens, maxBodyBytes: 1 << 20,
                                          clock: FixedClock(instant: APIHarness.today))
        let ports = AsyncStream<Int>.makeStream()
        let app = Application(router: router, server: APIServer.httpServer(policy: policy, gate: gate, tls: tls),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { ports.continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let services = ServiceGroup(services: [app], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.stream.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            do {
                try await body(port)
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }

    func testRequiredClientCertificates() async throws {
        let material = try Material()
        defer { try? FileManager.default.removeItem(at: material.directory) }
        XCTAssertEqual(material.clientFingerprint.count, 95, "SHA-256 with colons: \(material.clientFingerprint)")
        try await withLiveTLSAPI(material, clientCertificates: .required) { port in
            // The CA's client certificate, named by a token: that token's scopes, no bearer token needed.
            XCTAssertEqual(try curl(port, material, path: "/v1/events?wait=0", certificate: (material.client, material.clientKey)), 200)
            XCTAssertEqual(try curl(port, material, certificate: (material.client, material.clientKey)), 403,
                           "the certificate's token has events:read only")
            // A bearer token over the same kind of connection decides alone.
            XCTAssertEqual(try curl(port, material, certificate: (material.client, material.clientKey),
                                    headers: ["Authorization: Bearer \(TestTokens.reader)"]), 200)
            XCTAssertEqual(try curl(port, material, certificate: (material.client, material.clientKey),
                                    headers: ["Authorization: Bearer not-a-token-0123456789"]), 401)
            // No certificate, or one from another CA: no TLS connection at all.
            XCTAssertNil(try curl(port, material, headers: ["Authorization: Bearer \(TestTokens.reader)"]))
            XCTAssertNil(try curl(port, material, certificate: (material.rogue, material.rogueKey)))
            // Plain HTTP gets no answer.
            XCTAssertNil(try curl(port, material, scheme: "http"))
        }
    }

    func testOptionalClientCertificatesAndAForgedHeader() async throws {
        let material = try Material()
        defer { try? FileManager.default.removeItem(at: material.directory) }
        try await withLiveTLSAPI(material, clientCertificates: .optional) { port in
            XCTAssertEqual(try curl(port, material, path: "/v1/events?wait=0", certificate: (material.client, material.clientKey)), 200)
            XCTAssertEqual(try curl(port, material, headers: ["Authorization: Bearer \(TestTokens.reader)"]), 200,
                           "without a certificate, a bearer token")
            XCTAssertEqual(try curl(port, material), 401)
            // The header that carries a verified certificate to the routes, sent by the client: removed.
            let fingerprint = String(material.clientFingerprint.filter { $0 != ":" }).lowercased()
            XCTAssertEqual(try curl(port, material, path: "/v1/events?wait=0",
                                    headers: ["X-Bankgate-Client-Certificate-SHA256: \(fingerprint)"]), 401)
            XCTAssertEqual(try curl(port, material, certificate: (material.rogue, material.rogueKey),
                                    headers: ["X-Bankgate-Client-Certificate-SHA256: \(fingerprint)"]), nil,
                           "a certificate from another CA fails the handshake even when optional")
        }
    }
}
