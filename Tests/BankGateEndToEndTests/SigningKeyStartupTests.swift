import BankGateAdapters
import BankGateConfig
import BankGateCore
import BankGateCrypto
import BankGateRuntime
import BankGateTestSupport
import Foundation
import Logging
import Synchronization
import XCTest

/// The configured keys' states at an injected time, and `GatewayRuntime` refusing to start with an
/// expired or mismatched key. Validity is set relative to `now`, never to a calendar date.
final class SigningKeyStartupTests: XCTestCase {
    /// Any instant will do: nothing here reads the system clock.
    let now = Timestamp(milliseconds: 1_830_000_000_000)
    let day = KeyFiles.day
    var files: KeyFiles!

    override func setUpWithError() throws { files = try KeyFiles("key-states") }
    override func tearDown() { files.remove() }

    func testEveryStateAtAnInjectedTime() throws {
        try files.write("fresh", notBefore: now.adding(milliseconds: -day), notAfter: now.adding(milliseconds: 200 * day))
        try files.write("soon", sm2: true, notBefore: now.adding(milliseconds: -300 * day), notAfter: now.adding(milliseconds: 10 * day))
        try files.write("old", notBefore: now.adding(milliseconds: -400 * day), notAfter: now.adding(milliseconds: -day))
        try files.write("early", notBefore: now.adding(milliseconds: 5 * day), notAfter: now.adding(milliseconds: 400 * day))
        let other = try SigningKey.generateRSA(bits: 2048)
        try files.write("swapped", notBefore: now.adding(milliseconds: -day), notAfter: now.adding(milliseconds: 200 * day), certifiedKey: other)
        try files.write("plain", notBefore: now.adding(milliseconds: -day), notAfter: now.adding(milliseconds: 200 * day), encrypted: false)
        // A bank holds one key without `valid_from`; the others take over on distinct days after `now`.
        func takesOver(inDays days: Int64) -> String { now.adding(milliseconds: days * day).dateString }
        let configuration = try BankGateConfiguration.load(path: files.writeConfiguration([
            files.entry("fresh"), files.entry("soon", sm2: true, validFrom: takesOver(inDays: 1_000)),
            files.entry("old", bank: "eu"), files.entry("early", bank: "eu", validFrom: takesOver(inDays: 1_100)),
            files.entry("swapped", bank: "eu", validFrom: takesOver(inDays: 1_200)),
            // The plain key named as SM2: the wrong algorithm.
            files.entry("plain", sm2: true, validFrom: takesOver(inDays: 1_300), encrypted: false),
            files.entry("missing", bank: "eu", validFrom: takesOver(inDays: 1_400)),
        ]))
        let statuses = SigningKeyInventory.inspect(configuration.keys, at: now, environment: [:])
        let byId = Dictionary(uniqueKeysWithValues: statuses.map { ($0.config.id, $0) })

        XCTAssertEqual(byId["fresh"]?.state, .ok)
        XCTAssertEqual(byId["fresh"]?.daysLeft, 200)
        XCTAssertEqual(byId["fresh"]?.facts?.subject, "CN=fresh,O=bankgate tests")
        XCTAssertEqual(byId["soon"]?.state, .expiresSoon)
        XCTAssertEqual(byId["soon"]?.daysLeft, 10)
        XCTAssertEqual(byId["soon"]?.severity, .warning)
        XCTAssertEqual(byId["old"]?.state, .expired)
        XCTAssertEqual(byId["old"]?.daysLeft, -1)
        XCTAssertEqual(byId["old"]?.severity, .failure)
        XCTAssertEqual(byId["early"]?.state, .notYetValid)
        XCTAssertEqual(byId["early"]?.severity, .ok, "a future key may hold a certificate that starts before it takes over")
        guard case .mismatched(let reason)? = byId["swapped"]?.state else { return XCTFail("\(String(describing: byId["swapped"]?.state))") }
        XCTAssertTrue(reason.contains("does not belong to the certificate"), reason)
        guard case .mismatched(let algorithm)? = byId["plain"]?.state else { return XCTFail("\(String(describing: byId["plain"]?.state))") }
        XCTAssertTrue(algorithm.contains("the key is RSA, algorithm is sm2-sm3"), algorithm)
        guard case .unreadable(let missing)? = byId["missing"]?.state else { return XCTFail("\(String(describing: byId["missing"]?.state))") }
        XCTAssertTrue(missing.contains("missing.key"), missing)
        for status in statuses {
            XCTAssertFalse(status.summary.contains(KeyFiles.passphrase), status.summary)
            XCTAssertFalse(status.stateText.contains(KeyFiles.passphrase), status.stateText)
        }
    }

    func testPassphraseSourcesAndTheirFailures() throws {
        try files.write("k", notBefore: now.adding(milliseconds: -day), notAfter: now.adding(milliseconds: 100 * day))
        let fromEnvironment = files.entry("k").replacingOccurrences(of: #"passphrase_file = "passphrase.txt""#, with: #"passphrase_env = "K_PASS""#)
        let keys = try BankGateConfiguration.load(path: files.writeConfiguration([fromEnvironment])).keys
        XCTAssertEqual(SigningKeyInventory.inspect(keys, at: now, environment: ["K_PASS": KeyFiles.passphrase]).first?.state, .ok)
        guard case .unreadable(let unset)? = SigningKeyInventory.inspect(keys, at: now, environment: [:]).first?.state else { return XCTFail() }
        XCTAssertTrue(unset.contains("K_PASS (passphrase_env) is not set"), unset)
        guard case .unreadable(let wrong)? = SigningKeyInventory.inspect(keys, at: now, environment: ["K_PASS": "nope"]).first?.state else { return XCTFail() }
        XCTAssertTrue(wrong.contains("wrong passphrase"), wrong)
        XCTAssertFalse(wrong.contains("nope"))

        // A key file others may read still works, as a warning.
        let fromFile = try BankGateConfiguration.load(path: files.writeConfiguration([files.entry("k")])).keys
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: files.path("k.key"))
        let exposed = try XCTUnwrap(SigningKeyInventory.inspect(fromFile, at: now, environment: [:]).first)
        XCTAssertEqual(exposed.state, .ok)
        XCTAssertEqual(exposed.severity, .warning)
        XCTAssertTrue(exposed.summary.contains("k.key may be read by others (mode 640); make it 0600"), exposed.summary)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: files.path("k.key"))

        // A passphrase file others may read is refused.
        XCTAssertEqual(SigningKeyInventory.inspect(fromFile, at: now, environment: [:]).first?.state, .ok)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: files.path("passphrase.txt"))
        guard case .unreadable(let open)? = SigningKeyInventory.inspect(fromFile, at: now, environment: [:]).first?.state else { return XCTFail() }
        XCTAssertTrue(open.contains("may be read by others"), open)
    }

    func testRolloverExpiredKeyReplacedIsOnlyAWarning() throws {
        try files.write("old", notBefore: now.adding(milliseconds: -400 * day), notAfter: now.adding(milliseconds: -day))
        try files.write("new", notBefore: now.adding(milliseconds: -10 * day), notAfter: now.adding(milliseconds: 400 * day))
        let taken = Timestamp(milliseconds: now.milliseconds - 2 * day).iso8601Seconds
        let configuration = try BankGateConfiguration.load(path: files.writeConfiguration([files.entry("old"), files.entry("new", validFrom: taken)]))
        let statuses = SigningKeyInventory.inspect(configuration.keys, at: now, environment: [:])
        XCTAssertEqual(statuses.map(\.severity), [.warning, .ok])
        XCTAssertEqual(statuses[0].replacedBy, "new")
        XCTAssertEqual(statuses[0].stateText, "expired (replaced by new)")
        // Before the new key takes over, the old one is still the one in use: expired is a failure.
        let earlier = SigningKeyInventory.inspect(configuration.keys, at: now.adding(milliseconds: -3 * day + 1), environment: [:])
        XCTAssertNil(earlier[0].replacedBy)
    }

    func testTheRuntimeRefusesAnExpiredOrMismatchedKeyAndWarnsOfOneExpiringSoon() throws {
        try files.write("cn-2026", notBefore: now.adding(milliseconds: -400 * day), notAfter: now.adding(milliseconds: -3 * day))
        try files.write("eu-2026", notBefore: now.adding(milliseconds: -400 * day), notAfter: now.adding(milliseconds: 10 * day))
        let refused = try BankGateConfiguration.load(path: files.writeConfiguration([files.entry("cn-2026"), files.entry("eu-2026", bank: "eu")]))
        let logger = Logger(label: "keys-test")
        XCTAssertThrowsError(try GatewayRuntime(configuration: refused, clock: FixedClock(instant: now), logger: logger, environment: [:])) { error in
            guard let refusal = error as? SigningKeyInventory.StartRefusal else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(refusal.keys.map(\.config.id), ["cn-2026"])
            let expiry = now.adding(milliseconds: -3 * day).iso8601Seconds
            XCTAssertTrue(refusal.description.contains("key cn-2026 (bank cn): expired on \(expiry)"), refusal.description)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: files.path("data")), "the data folder is not touched before the keys pass")

        let other = try SigningKey.generateRSA(bits: 2048)
        try FileManager.default.removeItem(atPath: files.path("cn-2026.crt"))
        try FileManager.default.removeItem(atPath: files.path("cn-2026.key"))
        try files.write("cn-2026", notBefore: now.adding(milliseconds: -day), notAfter: now.adding(milliseconds: 300 * day), certifiedKey: other)
        XCTAssertThrowsError(try GatewayRuntime(configuration: refused, clock: FixedClock(instant: now), logger: logger, environment: [:])) { error in
            XCTAssertTrue("\(error)".contains("key cn-2026 (bank cn): mismatched"), "\(error)")
        }

        try FileManager.default.removeItem(atPath: files.path("cn-2026.crt"))
        try FileManager.default.removeItem(atPath: files.path("cn-2026.key"))
        try files.write("cn-2026", notBefore: now.adding(milliseconds: -day), notAfter: now.adding(milliseconds: 300 * day))
        let warnings = WarningLog()
        let runtime = try GatewayRuntime(configuration: refused, clock: FixedClock(instant: now), logger: warnings.logger, environment: [:])
        defer { runtime.close() }
        XCTAssertEqual(runtime.signingKeys.map(\.state), [.ok, .expiresSoon])
        let logged = warnings.lines.filter { $0.contains("signing key certificate to renew") }
        XCTAssertEqual(logged.count, 1, "\(warnings.lines)")
        XCTAssertTrue(logged.first?.contains("eu-2026") ?? false, "\(logged)")
        XCTAssertFalse(warnings.lines.contains { $0.contains(KeyFiles.passphrase) })
    }
}

/// The warnings (and worse) a runtime logged, as text with their metadata.
private final class WarningLog: Sendable {
    private let entries = Mutex<[String]>([])

    var lines: [String] { entries.withLock { $0 } }

    var logger: Logger {
        var logger = Logger(label: "keys-test") { _ in Handler(log: self) }
        logger.logLevel = .warning
        return logger
    }

    private struct Handler: LogHandler {
        let log: WarningLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .warning

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let text = "\(event.message) \(event.metadata ?? [:])"
            log.entries.withLock { $0.append(text) }
        }
    }
}
