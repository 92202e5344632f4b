import BankGateCore
import Foundation
import XCTest

@testable import BankGateTransport

/// The attacks of whoever can write into the folders shared with the bank's file agent: each must
/// leave every file outside the transport's folders untouched and be reported, not followed.
final class FolderTransportAttackTests: XCTestCase {
    private var root = ""
    private var outside = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "bankgate-attack-\(UUID().uuidString)"
        outside = root + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    private func makeTransport() throws -> FolderBankTransport {
        try FolderBankTransport(outboxDirectory: root + "/out", inboxDirectory: root + "/in", maximumInboundFileBytes: 1 << 20)
    }

    private func put(_ path: String, _ text: String) {
        XCTAssertTrue(FileManager.default.createFile(atPath: root + "/" + path, contents: Data(text.utf8)))
    }

    private func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    private func listing(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root + "/" + path).sorted()
    }

    /// A link planted as the reason file's temporary name: the reason is written, the target is not.
    func testAPlantedLinkAtTheReasonsTemporaryNameIsNotWrittenThrough() async throws {
        let transport = try makeTransport()
        put("outside/victim.txt", "precious")
        try FileManager.default.createSymbolicLink(atPath: root + "/in/failed/.junk2.xml.reason.txt.tmp",
                                                   withDestinationPath: outside + "/victim.txt")
        try FileManager.default.createSymbolicLink(atPath: root + "/in/failed/.created.tmp",
                                                   withDestinationPath: outside + "/created-by-daemon.txt")
        put("in/junk2.xml", "<bad")
        let files = try await transport.pickUp()
        try await transport.settle(try XCTUnwrap(files.first), failureReason: "not XML")
        XCTAssertEqual(contents(outside + "/victim.txt"), "precious")
        XCTAssertEqual(contents(root + "/in/failed/junk2.xml.reason.txt"), "not XML\n")
        XCTAssertEqual(try listing("outside"), ["victim.txt"])
    }

    /// `processed/` swapped for a link to another folder while the daemon runs: nothing lands there.
    func testProcessedSwappedForALinkWhileRunningSendsNothingElsewhere() async throws {
        let transport = try makeTransport()
        try FileManager.default.moveItem(atPath: root + "/in/processed", toPath: root + "/in/processed-original")
        try FileManager.default.createSymbolicLink(atPath: root + "/in/processed", withDestinationPath: outside)
        put("in/report.xml", "<Document/>")
        let files = try await transport.pickUp()
        XCTAssertEqual(files.map(\.name), ["processed", "report.xml"])
        XCTAssertNotNil(files.first?.refusal, "the planted link is itself refused and moved aside")
        try await transport.settle(try XCTUnwrap(files.last), failureReason: nil)
        XCTAssertEqual(try listing("outside"), [], "the link was not followed")
        XCTAssertEqual(try listing("in/processed-original"), ["report.xml"], "the folder opened at start got it")

        // And a transport started on a swapped folder refuses to start.
        try FileManager.default.createSymbolicLink(atPath: root + "/in/processed", withDestinationPath: outside)
        XCTAssertThrowsError(try makeTransport()) { error in
            XCTAssertTrue("\(error)".contains("links are not followed"), "\(error)")
        }
    }

    /// A symbolic link in the inbox is never read through: it is moved aside, with the reason.
    func testALinkInTheInboxIsRefusedAndMovedAside() async throws {
        let transport = try makeTransport()
        put("outside/secret.xml", "<Secret/>")
        try FileManager.default.createSymbolicLink(atPath: root + "/in/answer.xml", withDestinationPath: outside + "/secret.xml")
        let files = try await transport.pickUp()
        XCTAssertEqual(files.count, 1)
        XCTAssertEqual(files.first?.bytes, [])
        XCTAssertTrue(files.first?.refusal?.contains("symbolic link") ?? false, "\(files)")
        XCTAssertEqual(try listing("in/failed"), ["answer.xml", "answer.xml.reason.txt"])
        let moved = try FileManager.default.attributesOfItem(atPath: root + "/in/failed/answer.xml")[.type] as? FileAttributeType
        XCTAssertEqual(moved, .typeSymbolicLink, "the link itself was moved, its target untouched")
        XCTAssertEqual(contents(outside + "/secret.xml"), "<Secret/>")
        let again = try await transport.pickUp()
        XCTAssertEqual(again, [])
    }

    /// A file with a second name (a hard link to something the daemon may read) is refused unread.
    func testAHardLinkedFileIsRefusedUnread() async throws {
        let transport = try makeTransport()
        put("outside/ledger.db", "secret rows")
        XCTAssertEqual(link(outside + "/ledger.db", root + "/in/statement.xml"), 0)
        let files = try await transport.pickUp()
        XCTAssertEqual(files.count, 1)
        XCTAssertEqual(files.first?.bytes, [], "not read")
        XCTAssertTrue(files.first?.refusal?.contains("hard link") ?? false, "\(files)")
        XCTAssertEqual(contents(outside + "/ledger.db"), "secret rows")
        XCTAssertTrue(try listing("in/failed").contains("statement.xml.reason.txt"))
    }

    /// A name that is not UTF-8 no longer sits in the inbox forever: it is moved aside with a reason.
    func testANameThatIsNotUTF8IsMovedAsideWithAReason() async throws {
        let transport = try makeTransport()
        let rawName: [UInt8] = Array("report-".utf8) + [0xFF, 0xFE] + Array(".xml".utf8)
        let path = Array((root + "/in/").utf8) + rawName + [0]
        let fd = path.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_EXCL, 0o644) }
        }
        XCTAssertGreaterThanOrEqual(fd, 0)
        close(fd)
        let files = try await transport.pickUp()
        XCTAssertEqual(files.count, 1)
        XCTAssertTrue(files.first?.refusal?.contains("not valid UTF-8") ?? false, "\(files)")
        XCTAssertEqual(try listing("in"), ["failed", "processed"], "the inbox is empty again")
        let failed = try listing("in/failed")
        XCTAssertEqual(failed.count, 2, "\(failed)")
        XCTAssertTrue(failed.contains { $0.hasSuffix(".reason.txt") })
    }

    /// A link planted at the outbox's temporary name is not written through either.
    func testAPlantedLinkInTheOutboxIsNotWrittenThrough() async throws {
        let transport = try makeTransport()
        put("outside/victim.txt", "precious")
        try FileManager.default.createSymbolicLink(atPath: root + "/out/.PAY-9.xml.tmp", withDestinationPath: outside + "/victim.txt")
        let outcome = await transport.submit(EncodedMessage(kind: "pain.001.001.09", contentType: "application/xml",
                                                            fileName: "PAY-9.xml", bytes: Array("<Document/>".utf8)))
        XCTAssertEqual(outcome, .delivered)
        XCTAssertEqual(contents(outside + "/victim.txt"), "precious")
        XCTAssertEqual(contents(root + "/out/PAY-9.xml"), "<Document/>")
    }
}
