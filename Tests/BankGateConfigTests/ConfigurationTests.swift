import BankGateAdapters
import Foundation
import XCTest
import BankGateCore
@testable import BankGateConfig

/// The whole file: defaults, error reporting, paths, server and token checks.
final class ConfigurationTests: XCTestCase {
    func testValidFixtureWithDefaults() throws {
        let config = try XCTUnwrap(validConfiguration(ConfigurationFixture.valid))
        XCTAssertNil(config.sourcePath)
        XCTAssertEqual(config.server.host, "127.0.0.1")
        XCTAssertEqual(config.server.port, 8080)
        XCTAssertEqual(config.server.dataDirectory, "/srv/bankgate/var")
        XCTAssertEqual(config.server.maxBodyBytes, 1_048_576)
        XCTAssertEqual(config.tokens[0].scopes, [.paymentsWrite, .paymentsRead])

        let bank = config.banks[0]
        XCTAssertEqual(bank.pain001Version, "pain.001.001.09")
        XCTAssertEqual(bank.maxInFlight, 8)
        XCTAssertEqual(bank.maxAttempts, 8)
        XCTAssertEqual(bank.requestTimeoutMilliseconds, 30_000)
        XCTAssertEqual(bank.connectTimeoutMilliseconds, 5_000)
        XCTAssertEqual(bank.backoffBaseMilliseconds, 500)
        XCTAssertEqual(bank.backoffMaxMilliseconds, 60_000)
        XCTAssertEqual(bank.circuitFailureThreshold, 5)
        XCTAssertEqual(bank.circuitCooldownMilliseconds, 10_000)
        XCTAssertEqual(bank.statusQueryIntervalMilliseconds, 2_000)
        XCTAssertNil(bank.duplicateCheckWindowHours)
        XCTAssertNil(bank.maxTransfersPerMessage)

        XCTAssertTrue(config.accounts[0].active)
        XCTAssertEqual(config.dispatch.pollIntervalMilliseconds, 200)
        XCTAssertEqual(config.dispatch.groupCommitMaxBatch, 512)
        XCTAssertNil(config.bank(id: "nope"))
        XCTAssertNil(config.account(id: "nope"))
    }

    func testSecretKeySettings() throws {
        let defaults = try XCTUnwrap(validConfiguration(ConfigurationFixture.valid))
        XCTAssertEqual(defaults.server.secretKeyEnvironmentVariable, "BANKGATE_SECRET_KEY")
        XCTAssertEqual(defaults.server.secretKeyFile, "/srv/bankgate/var/secret.key")

        let set = ConfigurationFixture.replacing(#"data_dir = "var""#,
                                                 with: "data_dir = \"var\"\nsecret_key_env = \"ACME_KEY\"\nsecret_key_file = \"keys/webhooks.key\"")
        let configured = try XCTUnwrap(validConfiguration(set))
        XCTAssertEqual(configured.server.secretKeyEnvironmentVariable, "ACME_KEY")
        XCTAssertEqual(configured.server.secretKeyFile, "/srv/bankgate/keys/webhooks.key")

        let bad = ConfigurationFixture.replacing(#"data_dir = "var""#, with: "data_dir = \"var\"\nsecret_key_env = \"NOT A NAME\"")
        assertConfigurationError(bad, key: "server.secret_key_env", line: 4, "must be an environment variable name")
    }

    func testErrorDescriptionFormat() {
        let text = ConfigurationFixture.replacing(#"url = "http://127.0.0.1:9101""#, with: #"url = "ftp://bank.example""#)
        let error = assertConfigurationError(text, key: "banks[0].url", line: 14, "is not an http(s) URL")
        XCTAssertEqual(error?.description.hasPrefix("test.toml:14: banks[0].url: is not an http(s) URL"), true, error?.description ?? "")
    }

    func testAllErrorsAreReportedInLineOrder() {
        var text = ConfigurationFixture.replacing(#"currency = "EUR""#, with: #"currency = "EURO""#)
        text = ConfigurationFixture.replacing(#"listen = "127.0.0.1:8080""#, with: #"listen = "127.0.0.1""#, in: text)
        text = ConfigurationFixture.replacing(#"adapter = "iso20022""#, with: #"adapter = "swift-mt""#, in: text)
        XCTAssertThrowsError(try parseConfiguration(text)) { error in
            let error = error as! ConfigurationError
            XCTAssertEqual(error.allErrors.map(\.key), ["server.listen", "banks[0].adapter", "accounts[0].currency"])
            XCTAssertEqual(error.allErrors.map(\.line), [2, 12, 22])
            XCTAssertEqual(error.key, "server.listen")
            XCTAssertEqual(error.description.split(separator: "\n").count, 3)
        }
    }

    func testSyntaxErrorsCarryFileAndLine() {
        let text = ConfigurationFixture.replacing(#"name = "erp""#, with: #"name = "erp"#)
        XCTAssertThrowsError(try parseConfiguration(text)) { error in
            let error = error as! ConfigurationError
            XCTAssertEqual(error.line, 6)
            XCTAssertNil(error.key)
            XCTAssertTrue(error.description.hasPrefix("test.toml:6: unterminated string"), error.description)
        }
        assertConfigurationError(ConfigurationFixture.appending("[dispatch]\npoll_interval_ms = 1.5"), key: nil, line: 24, "floating-point")
        assertConfigurationError(ConfigurationFixture.appending("[dispatch]\npoll_interval_ms = { a = 1 }"), key: nil, "inline tables")
        assertConfigurationError(ConfigurationFixture.replacing("data_dir", with: "data_dir = \"x\"\ndata_dir"), key: nil, line: 4, "duplicate key")
    }

    func testUnknownKeysAndTables() {
        assertConfigurationError(ConfigurationFixture.replacing("url = ", with: "max_inflight = 4\nurl = "),
                                 key: "banks[0].max_inflight", line: 14, "unknown key (did you mean max_in_flight?)")
        assertConfigurationError(ConfigurationFixture.appending("[servr]\nlisten = \"x\""), key: "servr", line: 23, "unknown table [servr] (did you mean server?)")
        assertConfigurationError(ConfigurationFixture.appending("[[bank]]\nid = \"x\""), key: "bank", "unknown array of tables [[bank]] (did you mean banks?)")
        assertConfigurationError("verbose = true\n" + ConfigurationFixture.valid, key: "verbose", line: 1, "unknown key")
        assertConfigurationError(ConfigurationFixture.replacing("data_dir", with: "colour = 1\ndata_dir"), key: "server.colour", line: 3, "unknown key")
        assertConfigurationError(ConfigurationFixture.appending("[dispatch]\npoll_ms = 5"), key: "dispatch.poll_ms", "unknown key")
    }

    func testSectionsOfTheWrongShape() {
        let asArray = ConfigurationFixture.replacing("[server]", with: "[[server]]")
        assertConfigurationError(asArray, key: "server", line: 1, "must be a single [server] table")
        let asTable = ConfigurationFixture.replacing("[[tokens]]", with: "[tokens]")
        assertConfigurationError(asTable, key: "tokens", line: 5, "must be written as [[tokens]] entries")
    }

    func testServerChecks() {
        let missing = String(ConfigurationFixture.valid.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(4).joined(separator: "\n"))
        assertConfigurationError(missing, key: "server", "the [server] table is required")
        assertConfigurationError(ConfigurationFixture.replacing(#"listen = "127.0.0.1:8080""#, with: ""), key: "server.listen", line: 1, "is required")
        assertConfigurationError(ConfigurationFixture.replacing(#""127.0.0.1:8080""#, with: "8080"), key: "server.listen", line: 2, "must be a string, not an integer")
        for (listen, fragment) in [("127.0.0.1", "host:port"), ("127.0.0.1:65536", "0 to 65535"),
                                   (":8080", "IP address or a host name"), ("::1:8080", "in brackets"), ("[::1:8080", "without ]"),
                                   ("[::1]8080", ":port after"), ("[nope]:80", "not an IPv6 address"), ("host:80a", "0 to 65535"),
                                   ("bad_host:80", "host name"), ("127.0.0.1:+80", "0 to 65535")] {
            assertConfigurationError(ConfigurationFixture.replacing("127.0.0.1:8080", with: listen), key: "server.listen", line: 2, fragment)
        }
        let v6 = validConfiguration(ConfigurationFixture.replacing("127.0.0.1:8080", with: "[::1]:9000"))
        XCTAssertEqual(v6?.server.host, "::1")
        XCTAssertEqual(v6?.server.port, 9000)
        XCTAssertEqual(validConfiguration(ConfigurationFixture.replacing("127.0.0.1:8080", with: "gateway.internal:443"))?.server.host, "gateway.internal")

        assertConfigurationError(ConfigurationFixture.replacing(#"data_dir = "var""#, with: ""), key: "server.data_dir", "is required")
        assertConfigurationError(ConfigurationFixture.replacing(#"data_dir = "var""#, with: #"data_dir = """#), key: "server.data_dir", line: 3, "non-empty path")
        assertConfigurationError(ConfigurationFixture.replacing("data_dir", with: "max_body_bytes = 10\ndata_dir"), key: "server.max_body_bytes", line: 3, "between 1024 and")
        let bigger = validConfiguration(ConfigurationFixture.replacing("data_dir", with: "max_body_bytes = 4_194_304\ndata_dir"))
        XCTAssertEqual(bigger?.server.maxBodyBytes, 4_194_304)
        XCTAssertEqual(bigger?.server.maxArchiveUnpackedBytes, 512 << 20, "the default")
        let archive = validConfiguration(ConfigurationFixture.replacing("data_dir", with: "max_archive_unpacked_bytes = 100_000_000\ndata_dir"))
        XCTAssertEqual(archive?.server.maxArchiveUnpackedBytes, 100_000_000)
        assertConfigurationError(ConfigurationFixture.replacing("data_dir", with: "max_archive_unpacked_bytes = 1000\ndata_dir"),
                                 key: "server.max_archive_unpacked_bytes", line: 3, "between 1048576 and")
    }

    func testConnectionDeadlinesAndLimit() {
        let defaults = validConfiguration(ConfigurationFixture.valid)?.server
        XCTAssertEqual(defaults?.idleTimeoutMilliseconds, 60_000)
        XCTAssertEqual(defaults?.headerTimeoutMilliseconds, 10_000)
        XCTAssertEqual(defaults?.bodyTimeoutMilliseconds, 30_000)
        XCTAssertNil(defaults?.maxConnections, "derived from the open-file limit")
        let set = validConfiguration(ConfigurationFixture.replacing(
            "data_dir", with: "idle_timeout_ms = 500\nheader_timeout_ms = 700\nbody_timeout_ms = 900\nmax_connections = 64\ndata_dir"))?.server
        XCTAssertEqual(set?.idleTimeoutMilliseconds, 500)
        XCTAssertEqual(set?.headerTimeoutMilliseconds, 700)
        XCTAssertEqual(set?.bodyTimeoutMilliseconds, 900)
        XCTAssertEqual(set?.maxConnections, 64)
        for key in ["idle_timeout_ms", "header_timeout_ms", "body_timeout_ms"] {
            assertConfigurationError(ConfigurationFixture.replacing("data_dir", with: "\(key) = 0\ndata_dir"), key: "server.\(key)", line: 3, "between 100 and")
        }
        assertConfigurationError(ConfigurationFixture.replacing("data_dir", with: "max_connections = 0\ndata_dir"),
                                 key: "server.max_connections", line: 3, "between 1 and")
    }

    func testRelativePathsResolveAgainstTheBaseDirectory() throws {
        XCTAssertEqual(validConfiguration(ConfigurationFixture.replacing(#""var""#, with: #""./data/bg""#))?.server.dataDirectory, "/srv/bankgate/data/bg")
        XCTAssertEqual(validConfiguration(ConfigurationFixture.replacing(#""var""#, with: #""/var/lib/bankgate""#))?.server.dataDirectory, "/var/lib/bankgate")
        let trailingSlash = try BankGateConfiguration.parse(ConfigurationFixture.valid, fileName: "t.toml", baseDirectory: "/etc/bg/")
        XCTAssertEqual(trailingSlash.server.dataDirectory, "/etc/bg/var")

        let folder = ConfigurationFixture.replacing(#"transport = "http""# + "\n" + #"url = "http://127.0.0.1:9101""#,
                                                    with: "transport = \"folder\"\noutbox_dir = \"h2h/out\"\ninbox_dir = '/mnt/bank/in'")
        XCTAssertEqual(validConfiguration(folder)?.banks[0].transport, .folder(outbox: "/srv/bankgate/h2h/out", inbox: "/mnt/bank/in"))
    }

    func testLoadResolvesAgainstTheFilesDirectory() throws {
        let directory = NSTemporaryDirectory() + "h2-config-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/bankgate.toml"
        try ConfigurationFixture.valid.write(toFile: path, atomically: true, encoding: .utf8)
        let config = try BankGateConfiguration.load(path: path)
        XCTAssertEqual(config.server.dataDirectory, directory + "/var")
        XCTAssertEqual(config.sourcePath, path)

        try Data([0x5B, 0xFF, 0x5D]).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try BankGateConfiguration.load(path: path)) { error in
            XCTAssertEqual((error as! ConfigurationError).problem, "the file is not valid UTF-8")
        }
    }
}
