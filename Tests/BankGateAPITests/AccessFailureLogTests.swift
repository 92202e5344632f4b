import BankGateAPI
import BankGateCore
import BankGateTestSupport
import Synchronization
import XCTest

/// Refused requests are recorded at most once per address, kind and minute, and at most a budget
/// per minute in all; the next record of an address says how many were only counted.
final class AccessFailureLogTests: XCTestCase {
    final class Recorded: AccessFailureRecording {
        let entries = Mutex<[(AccessFailure, Int)]>([])
        func record(_ failure: AccessFailure, suppressedBefore: Int) async {
            entries.withLock { $0.append((failure, suppressedBefore)) }
        }
        var all: [(address: String?, kind: String, suppressed: Int)] {
            entries.withLock { $0.map { ($0.0.remoteAddress, $0.0.kind, $0.1) } }
        }
    }

    func failure(_ kind: String = "unauthorized", from address: String?) -> AccessFailure {
        AccessFailure(kind: kind, method: "GET", path: "/v1/payments", remoteAddress: address, message: "a valid bearer token is required")
    }

    func testOneRecordPerAddressAndKindPerWindowCountingTheRest() async {
        let clock = ManualClock()
        let recorded = Recorded()
        let log = AccessFailureLog(recorder: recorded, clock: clock)
        for _ in 0..<5 { await log.note(failure(from: "10.0.0.7")) }
        await log.note(failure("forbidden", from: "10.0.0.7"))
        await log.note(failure(from: "10.0.0.8"))
        XCTAssertEqual(recorded.all.map { "\($0.address ?? "-") \($0.kind) \($0.suppressed)" },
                       ["10.0.0.7 unauthorized 0", "10.0.0.7 forbidden 0", "10.0.0.8 unauthorized 0"])
        clock.advance(milliseconds: 59_000)
        await log.note(failure(from: "10.0.0.7"))
        XCTAssertEqual(recorded.all.count, 3, "still within the minute: counted only")
        clock.advance(milliseconds: 2_000)
        await log.note(failure(from: "10.0.0.7"))
        XCTAssertEqual(recorded.all.last.map { "\($0.address ?? "-") \($0.kind) \($0.suppressed)" }, "10.0.0.7 unauthorized 5")
    }

    func testABudgetPerWindowBoundsRecordsFromManyAddresses() async {
        let clock = ManualClock()
        let recorded = Recorded()
        let log = AccessFailureLog(recorder: recorded, clock: clock, maximumPerWindow: 3)
        for index in 0..<10 { await log.note(failure(from: "192.0.2.\(index)")) }
        XCTAssertEqual(recorded.all.count, 3)
        clock.advance(milliseconds: 60_000)
        await log.note(failure(from: "192.0.2.9"))
        XCTAssertEqual(recorded.all.last?.suppressed, 1, "the address only counted before is recorded with its count")
    }
}
