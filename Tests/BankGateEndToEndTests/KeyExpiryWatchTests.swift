import BankGateConfig
import BankGateCore
import BankGateStore
import BankGateTestSupport
import Foundation
import Logging
import XCTest
@testable import BankGateRuntime

/// Certificates are announced 30 and 7 days before they expire, each threshold once, as an event on
/// the feed and an audit record, whatever the number of checks and restarts.
final class KeyExpiryWatchTests: XCTestCase {
    let start = Timestamp(milliseconds: 1_830_000_000_000)
    let day = KeyFiles.day

    func testEachThresholdIsAnnouncedOnce() async throws {
        let files = try KeyFiles("key-expiry")
        defer { files.remove() }
        try files.write("bank-cert", notBefore: start.adding(milliseconds: -300 * day), notAfter: start.adding(milliseconds: 40 * day))
        try files.write("far", notBefore: start.adding(milliseconds: -day), notAfter: start.adding(milliseconds: 400 * day))
        let keys = try BankGateConfiguration.load(path: files.writeConfiguration([files.entry("bank-cert"), files.entry("far", bank: "eu")])).keys
        let store = try PaymentStore(path: files.path("watch.sqlite"))
        defer { store.close() }
        let clock = ManualClock(start: start)
        let watch = KeyExpiryWatch(keys: keys, store: store, clock: clock, logger: Logger(label: "test"))

        var published = await watch.check()
        XCTAssertEqual(published, [], "40 days left: nothing yet")
        clock.advance(to: start.adding(milliseconds: 15 * day))  // 25 days left
        published = await watch.check()
        XCTAssertEqual(published, ["bank-cert:30"])
        published = await watch.check()
        XCTAssertEqual(published, [], "announced once")
        clock.advance(to: start.adding(milliseconds: 34 * day))  // 6 days left
        let restarted = KeyExpiryWatch(keys: keys, store: store, clock: clock, logger: Logger(label: "test"))
        published = await restarted.check()
        XCTAssertEqual(published, ["bank-cert:7"], "a new process announces only what was not")

        let events = try await store.events(after: 0, limit: 100).filter { $0.type == "key.expiring" }
        XCTAssertEqual(events.count, 2)
        XCTAssertTrue(events[0].payloadJSON.contains(#""key":"bank-cert""#), events[0].payloadJSON)
        XCTAssertTrue(events[0].payloadJSON.contains(#""threshold_days":30"#), events[0].payloadJSON)
        XCTAssertTrue(events[1].payloadJSON.contains(#""days_left":6"#), events[1].payloadJSON)
        XCTAssertFalse(events.contains { $0.payloadJSON.contains("far") })
    }
}
