import BankGateCore
import Foundation
import XCTest

@testable import BankGateTransport

final class FolderBankTransportTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "bankgate-folder-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    private func makeTransport(limit: Int = 1 << 20) throws -> FolderBankTransport {
        try FolderBankTransport(outboxDirectory: root + "/out", inboxDirectory: root + "/in/",
                                maximumInboundFileBytes: limit)
    }

    private func message(_ name: String, _ text: String) -> EncodedMessage {
        EncodedMessage(kind: "pain.001.001.09", contentType: "application/xml", fileName: name, bytes: Array(text.utf8))
    }

    private func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: root + "/" + path).map { String(decoding: $0, as: UTF8.self) }
    }

    private func listing(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root + "/" + path).sorted()
    }

    private func put(_ path: String, _ text: String) {
        XCTAssertTrue(FileManager.default.createFile(atPath: root + "/" + path, contents: Data(text.utf8)))
    }

    func testInitCreatesTheFolders() throws {
        _ = try makeTransport()
        XCTAssertEqual(try listing("in"), ["failed", "processed"])
        XCTAssertEqual(try listing("out"), [])
    }

    func testSubmitPublishesTheFileWithoutLeavingATemporary() async throws {
        let transport = try makeTransport()
        let outcome = await transport.submit(message("PAY-1.xml", "<Document/>"))
        XCTAssertEqual(outcome, .delivered)
        XCTAssertEqual(try listing("out"), ["PAY-1.xml"])
        XCTAssertEqual(contents("out/PAY-1.xml"), "<Document/>")
        let queried = await transport.query(message("Q-1.xml", "<Query/>"))
        XCTAssertEqual(queried, .delivered)
        XCTAssertEqual(contents("out/Q-1.xml"), "<Query/>")
    }

    func testResendingIdenticalBytesIsDeliveredAndDifferentBytesAreRefused() async throws {
        let transport = try makeTransport()
        let first = await transport.submit(message("PAY-1.xml", "<A/>"))
        let again = await transport.submit(message("PAY-1.xml", "<A/>"))
        XCTAssertEqual([first, again], [.delivered, .delivered])
        let clash = await transport.submit(message("PAY-1.xml", "<B/>"))
        XCTAssertTrue(clash.isNotSent, "\(clash)")
        let longer = await transport.submit(message("PAY-1.xml", "<A/><A/>"))
        XCTAssertTrue(longer.isNotSent, "\(longer)")
        XCTAssertEqual(contents("out/PAY-1.xml"), "<A/>")
        XCTAssertEqual(try listing("out"), ["PAY-1.xml"])
    }

    func testAWriteFailureIsNotSent() async throws {
        let transport = try makeTransport()
        // A directory where the temporary file must go makes the write fail (even for root).
        try FileManager.default.createDirectory(atPath: root + "/out/.PAY-2.xml.tmp", withIntermediateDirectories: false)
        let outcome = await transport.submit(message("PAY-2.xml", "<A/>"))
        XCTAssertTrue(outcome.isNotSent, "\(outcome)")
        XCTAssertNil(contents("out/PAY-2.xml"))
    }

    func testUnsafeFileNamesAreNotSent() async throws {
        let transport = try makeTransport()
        for name in ["", ".hidden", "../escape.xml", "a/b.xml"] {
            let outcome = await transport.submit(message(name, "<A/>"))
            XCTAssertTrue(outcome.isNotSent, "\(name): \(outcome)")
        }
        XCTAssertEqual(try listing("out"), [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/escape.xml"))
    }

    func testPickUpReturnsRegularVisibleFilesInNameOrder() async throws {
        let transport = try makeTransport()
        put("in/b.xml", "B")
        put("in/a.xml", "A")
        put("in/C.xml", "C")
        put("in/.partial.xml", "hidden")
        try FileManager.default.createDirectory(atPath: root + "/in/sub", withIntermediateDirectories: false)
        let files = try await transport.pickUp()
        XCTAssertEqual(files.map(\.name), ["C.xml", "a.xml", "b.xml"])
        XCTAssertEqual(files.map { String(decoding: $0.bytes, as: UTF8.self) }, ["C", "A", "B"])
    }

    func testSettleMovesToProcessedWithoutOverwriting() async throws {
        let transport = try makeTransport()
        put("in/processed/r.xml", "older")
        put("in/processed/r.1.xml", "older still")
        put("in/r.xml", "new")
        let files = try await transport.pickUp()
        try await transport.settle(try XCTUnwrap(files.first), failureReason: nil)
        XCTAssertEqual(try listing("in/processed"), ["r.1.xml", "r.2.xml", "r.xml"])
        XCTAssertEqual(contents("in/processed/r.xml"), "older")
        XCTAssertEqual(contents("in/processed/r.1.xml"), "older still")
        XCTAssertEqual(contents("in/processed/r.2.xml"), "new")
        let remaining = try await transport.pickUp()
        XCTAssertEqual(remaining, [])
    }

    func testSettleAsFailedWritesTheReasonBeside() async throws {
        let transport = try makeTransport()
        put("in/failed/s.xml", "older")
        put("in/s.xml", "<bad")
        try await transport.settle(InboundFile(name: "s.xml", bytes: []), failureReason: "not XML: line 1")
        XCTAssertEqual(try listing("in/failed"), ["s.1.xml", "s.1.xml.reason.txt", "s.xml"])
        XCTAssertEqual(contents("in/failed/s.1.xml"), "<bad")
        XCTAssertEqual(contents("in/failed/s.1.xml.reason.txt"), "not XML: line 1\n")
        XCTAssertEqual(contents("in/failed/s.xml"), "older")
        XCTAssertEqual(try listing("in"), ["failed", "processed"])
    }

    func testSettlingAMissingFileThrows() async throws {
        let transport = try makeTransport()
        do {
            try await transport.settle(InboundFile(name: "gone.xml", bytes: []), failureReason: nil)
            XCTFail("expected an error")
        } catch let error as FolderTransportError {
            XCTAssertTrue(error.message.contains("gone.xml"), error.message)
        }
    }

    func testFilesOverTheLimitArePickedUpPartialWithTheirPath() async throws {
        let transport = try makeTransport(limit: 10)
        put("in/big.xml", String(repeating: "x", count: 70_000))
        put("in/small.xml", "ok")
        let files = try await transport.pickUp()
        XCTAssertEqual(files.map(\.name), ["big.xml", "small.xml"])
        XCTAssertEqual(files.map(\.isPartial), [true, false])
        XCTAssertEqual(files[0].bytes.count, 64 * 1024, "only the beginning is read into memory")
        XCTAssertEqual(files[0].path.map { FileManager.default.contents(atPath: $0)?.count }, 70_000)
        XCTAssertEqual(files[1].bytes, Array("ok".utf8))
        try await transport.settle(files[0], failureReason: "too large")
        XCTAssertEqual(try listing("in/failed"), ["big.xml", "big.xml.reason.txt"])
    }

    func testSuffixedNames() {
        XCTAssertEqual(DurableFiles.suffixed("report.xml", 2), "report.2.xml")
        XCTAssertEqual(DurableFiles.suffixed("report", 1), "report.1")
        XCTAssertEqual(DurableFiles.suffixed("a.b.xml", 3), "a.b.3.xml")
    }
}
