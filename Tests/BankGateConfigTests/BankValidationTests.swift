import XCTest
@testable import BankGateConfig

/// `[[banks]]` and `[dispatch]` checks.
final class BankValidationTests: XCTestCase {
    private let httpLines = "transport = \"http\"\nurl = \"http://127.0.0.1:9101\""

    func testIdentifiers() {
        assertConfigurationError(ConfigurationFixture.replacing(#"id = "sim""#, with: #"id = "sim/1""#), key: "banks[0].id", line: 11, "A-Z a-z 0-9 _ -")
        assertConfigurationError(ConfigurationFixture.replacing(#"id = "sim""#, with: #"id = """#), key: "banks[0].id", "A-Z a-z 0-9 _ -")
        assertConfigurationError(ConfigurationFixture.replacing(#"id = "sim""#, with: "id = \"\(String(repeating: "b", count: 65))\""), key: "banks[0].id", "1 to 64")
        let twice = ConfigurationFixture.appending("[[banks]]\nid = \"sim\"\nadapter = \"iso20022\"\n\(httpLines)")
        assertConfigurationError(twice, key: "banks[1].id", line: 24, "already used by another entry of [[banks]] on line 11")
        assertConfigurationError(ConfigurationFixture.replacing(#"id = "sim""#, with: ""), key: "banks[0].id", line: 10, "is required")
    }

    func testTLSKeys() {
        let mutual = ConfigurationFixture.replacing("url = \"http://127.0.0.1:9101\"", with: """
            url = "https://bank.example/h2h"
            tls_ca_file = "certs/bank-ca.pem"
            tls_client_certificate = "/etc/bankgate/client.pem"
            tls_client_key = "/etc/bankgate/client.key"
            tls_client_key_password_env = "BANKGATE_CLIENT_KEY_PASSWORD"
            """)
        let tls = validConfiguration(mutual)?.banks[0].tls
        XCTAssertEqual(tls?.clientCertificateFile, "/etc/bankgate/client.pem")
        XCTAssertEqual(tls?.clientKeyPasswordEnvironmentVariable, "BANKGATE_CLIENT_KEY_PASSWORD")
        XCTAssertTrue(tls?.caFile?.hasSuffix("/certs/bank-ca.pem") ?? false, "relative paths resolve against the base directory")
        XCTAssertFalse(tls?.caFile?.hasPrefix("certs") ?? true)
        XCTAssertNil(validConfiguration(ConfigurationFixture.valid)?.banks[0].tls)
        assertConfigurationError(ConfigurationFixture.replacing("url", with: "tls_client_certificate = \"c.pem\"\nurl"),
                                 key: "banks[0].tls_client_key", "go together")
    }

    func testAdapterAndVersion() {
        assertConfigurationError(ConfigurationFixture.replacing(#""iso20022""#, with: #""cmbx""#), key: "banks[0].adapter", line: 12, #"unknown adapter "cmbx" (known: abc, boc, ccb, cmb, cmb-cloud, icbc, iso20022)"#)
        assertConfigurationError(ConfigurationFixture.replacing(#"adapter = "iso20022""#, with: ""), key: "banks[0].adapter", "is required")
        let v03 = validConfiguration(ConfigurationFixture.replacing("adapter", with: "pain001_version = \"pain.001.001.03\"\nadapter"))
        XCTAssertEqual(v03?.banks[0].pain001Version, "pain.001.001.03")
        assertConfigurationError(ConfigurationFixture.replacing("adapter", with: "pain001_version = \"pain.001.001.12\"\nadapter"),
                                 key: "banks[0].pain001_version", line: 12, #"must be "pain.001.001.09" or "pain.001.001.03""#)
    }

    func testHTTPTransport() {
        assertConfigurationError(ConfigurationFixture.replacing(#"url = "http://127.0.0.1:9101""#, with: ""), key: "banks[0].url", line: 10, #"required with transport = "http""#)
        for (url, fragment) in [("127.0.0.1:9101", "must start with http://"), ("https://", "no host"), ("http:///path", "no host"),
                                ("https://user:pw@bank.example/x", "credentials"), ("http://bank example", "spaces"),
                                ("http://bank.example:99999/", "1 to 65535"), ("http://bank_x/", "bad host"), ("http://[zz]/", "bad IPv6")] {
            assertConfigurationError(ConfigurationFixture.replacing("http://127.0.0.1:9101", with: url), key: "banks[0].url", line: 14, fragment)
        }
        for url in ["https://bank.example/h2h/pain?x=1", "http://[::1]:9101/"] {
            XCTAssertEqual(validConfiguration(ConfigurationFixture.replacing("http://127.0.0.1:9101", with: url))?.banks[0].transport, .http(url: url))
        }
        assertConfigurationError(ConfigurationFixture.replacing("url", with: "outbox_dir = \"out\"\nurl"), key: "banks[0].outbox_dir", line: 14, #"only used with transport = "folder""#)
        assertConfigurationError(ConfigurationFixture.replacing(#"transport = "http""#, with: #"transport = "sftp""#), key: "banks[0].transport", line: 13, #"must be "http", "folder" or "tcp", not "sftp""#)
        assertConfigurationError(ConfigurationFixture.replacing(#"transport = "http""#, with: ""), key: "banks[0].transport", line: 10, "is required")
    }

    func testFolderTransport() {
        let folder = ConfigurationFixture.replacing(httpLines, with: "transport = \"folder\"\noutbox_dir = \"out\"\ninbox_dir = \"in\"")
        XCTAssertNotNil(validConfiguration(folder))
        assertConfigurationError(ConfigurationFixture.replacing("inbox_dir = \"in\"", with: "", in: folder), key: "banks[0].inbox_dir", line: 10, "is required")
        assertConfigurationError(ConfigurationFixture.replacing("outbox_dir = \"out\"", with: "", in: folder), key: "banks[0].outbox_dir", "is required")
        assertConfigurationError(ConfigurationFixture.replacing("\"in\"", with: "\"./out\"", in: folder), key: "banks[0].inbox_dir", "must not be the same directory")
        assertConfigurationError(ConfigurationFixture.replacing("inbox_dir", with: "url = \"http://x\"\ninbox_dir", in: folder), key: "banks[0].url", line: 15, #"only used with transport = "http""#)
    }

    func testOptionalTuningKeys() throws {
        let tuning = """
            max_in_flight = 256
            max_attempts = 3
            request_timeout_ms = 45_000
            connect_timeout_ms = 2_000
            backoff_base_ms = 250
            backoff_max_ms = 8_000
            circuit_failure_threshold = 10
            circuit_cooldown_ms = 30_000
            status_query_interval_ms = 5_000
            duplicate_check_window_hours = 0
            max_transfers_per_message = 1
            """
        let bank = try XCTUnwrap(validConfiguration(ConfigurationFixture.replacing("url", with: tuning + "\nurl"))?.banks[0])
        XCTAssertEqual(bank.maxInFlight, 256)
        XCTAssertEqual(bank.maxAttempts, 3)
        XCTAssertEqual(bank.requestTimeoutMilliseconds, 45_000)
        XCTAssertEqual(bank.connectTimeoutMilliseconds, 2_000)
        XCTAssertEqual(bank.backoffBaseMilliseconds, 250)
        XCTAssertEqual(bank.backoffMaxMilliseconds, 8_000)
        XCTAssertEqual(bank.circuitFailureThreshold, 10)
        XCTAssertEqual(bank.circuitCooldownMilliseconds, 30_000)
        XCTAssertEqual(bank.statusQueryIntervalMilliseconds, 5_000)
        XCTAssertEqual(bank.duplicateCheckWindowHours, 0)
        XCTAssertEqual(bank.maxTransfersPerMessage, 1)
    }

    func testAccountStatusCodes() throws {
        let plain = try XCTUnwrap(validConfiguration(ConfigurationFixture.valid)?.banks[0])
        XCTAssertNil(plain.accountStatusCodes)
        XCTAssertEqual(plain.effectiveAccountStatusCodes, ["AC05": "closed"], "iso20022: the debtor-only ISO code by default")
        let given = try XCTUnwrap(validConfiguration(ConfigurationFixture.replacing("url", with: #"account_status_codes = ["AC06=frozen", "AC05=closed"]"# + "\nurl"))?.banks[0])
        XCTAssertEqual(given.effectiveAccountStatusCodes, ["AC06": "frozen", "AC05": "closed"])
        let none = try XCTUnwrap(validConfiguration(ConfigurationFixture.replacing("url", with: "account_status_codes = []\nurl"))?.banks[0])
        XCTAssertEqual(none.effectiveAccountStatusCodes, [:], "an empty list turns learning off")
        let cmb = BankConfig(id: "cmb", adapter: "cmb", transport: .http(url: "http://x"))
        XCTAssertEqual(cmb.effectiveAccountStatusCodes, [:], "Chinese banks' codes do not say whose account it is")
        assertConfigurationError(ConfigurationFixture.replacing("url", with: #"account_status_codes = ["AC06=blocked"]"# + "\nurl"),
                                 key: "banks[0].account_status_codes[0]", line: 14, #"must be "CODE=frozen" or "CODE=closed", not "AC06=blocked""#)
        assertConfigurationError(ConfigurationFixture.replacing("url", with: #"account_status_codes = ["=frozen"]"# + "\nurl"),
                                 key: "banks[0].account_status_codes[0]", "CODE=frozen")
        assertConfigurationError(ConfigurationFixture.replacing("url", with: #"account_status_codes = ["AC06=frozen", "AC06=closed"]"# + "\nurl"),
                                 key: "banks[0].account_status_codes[1]", "listed twice")
    }

    func testNumbersOutOfRange() {
        for (line, key) in ["max_in_flight = 0", "max_in_flight = 257", "max_attempts = 0", "request_timeout_ms = 50",
                            "connect_timeout_ms = 1_000_000", "backoff_base_ms = 0", "circuit_failure_threshold = -1",
                            "circuit_cooldown_ms = 99", "status_query_interval_ms = 0", "duplicate_check_window_hours = 8761",
                            "max_transfers_per_message = 0"].map({ ($0, String($0.prefix { $0 != " " })) }) {
            assertConfigurationError(ConfigurationFixture.replacing("url", with: line + "\nurl"), key: "banks[0].\(key)", line: 14, "must be between")
        }
        assertConfigurationError(ConfigurationFixture.replacing("url", with: "max_in_flight = \"8\"\nurl"), key: "banks[0].max_in_flight", "must be an integer, not a string")
        assertConfigurationError(ConfigurationFixture.replacing("url", with: "backoff_base_ms = 5000\nbackoff_max_ms = 1000\nurl"),
                                 key: "banks[0].backoff_max_ms", line: 15, "must not be smaller than backoff_base_ms (5000)")
    }

    func testDispatch() {
        let tuned = validConfiguration(ConfigurationFixture.appending("[dispatch]\npoll_interval_ms = 50\ngroup_commit_max_batch = 64"))
        XCTAssertEqual(tuned?.dispatch.pollIntervalMilliseconds, 50)
        XCTAssertEqual(tuned?.dispatch.groupCommitMaxBatch, 64)
        XCTAssertEqual(validConfiguration(ConfigurationFixture.appending("[dispatch]"))?.dispatch.groupCommitMaxBatch, 512)
        assertConfigurationError(ConfigurationFixture.appending("[dispatch]\npoll_interval_ms = 0"), key: "dispatch.poll_interval_ms", line: 24, "between 1 and 60000")
        assertConfigurationError(ConfigurationFixture.appending("[dispatch]\ngroup_commit_max_batch = true"), key: "dispatch.group_commit_max_batch", "must be an integer, not a boolean")
    }
}
