import BankGateTransport
import Foundation
import XCTest

/// The bank client's folder mounted here: a file written is whole or absent, a file read is bounded,
/// and names that could leave the folder or hide in it are refused.
final class DirectoryFileTransferTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testAnUploadIsTheWholeFileUnderItsNameAndNothingElse() async throws {
        let transfer = DirectoryFileTransfer(directory: folder.path)
        let bytes: [UInt8] = Array("张三 6228480010012345678 8000.000\n".utf8)
        try await transfer.upload("BGM1.1101_0001.20261123", bytes: bytes)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["BGM1.1101_0001.20261123"],
                       "no temporary file is left behind")
        XCTAssertEqual(Array(try Data(contentsOf: folder.appendingPathComponent("BGM1.1101_0001.20261123"))), bytes)
        // Uploaded again (a resend): replaced by the same bytes.
        try await transfer.upload("BGM1.1101_0001.20261123", bytes: bytes)
        let read = try await transfer.download("BGM1.1101_0001.20261123", maximumBytes: 1_000)
        XCTAssertEqual(read, bytes)
    }

    func testADownloadIsBoundedAndAMissingFileIsNotFound() async throws {
        let transfer = DirectoryFileTransfer(directory: folder.path)
        try Data(repeating: 0x41, count: 2_000).write(to: folder.appendingPathComponent("detail.det"))
        await assertFails(.tooLarge) { _ = try await transfer.download("detail.det", maximumBytes: 1_999) }
        let whole = try await transfer.download("detail.det", maximumBytes: 2_000)
        XCTAssertEqual(whole.count, 2_000)
        await assertFails(.notFound) { _ = try await transfer.download("other.det", maximumBytes: 10) }
    }

    func testNamesThatLeaveOrHideInTheFolderAreRefused() async throws {
        let transfer = DirectoryFileTransfer(directory: folder.path)
        for name in ["../escape", "a/b", ".hidden", "", "名字.txt", "line\nbreak", String(repeating: "a", count: 201)] {
            await assertFails(.invalidName, name) { try await transfer.upload(name, bytes: [1]) }
            await assertFails(.invalidName, name) { _ = try await transfer.download(name, maximumBytes: 10) }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }

    func testALinkIsNotFollowedAndAMissingFolderIsUnreachable() async throws {
        let transfer = DirectoryFileTransfer(directory: folder.path)
        try Data("secret".utf8).write(to: folder.appendingPathComponent("target"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.det").path,
                                                   withDestinationPath: folder.appendingPathComponent("target").path)
        await assertFails(.failed) { _ = try await transfer.download("link.det", maximumBytes: 100) }
        let gone = DirectoryFileTransfer(directory: folder.appendingPathComponent("not-mounted").path)
        await assertFails(.unreachable) { try await gone.upload("a.txt", bytes: [1]) }
    }

    private func assertFails(_ kind: FileTransferError.Kind, _ context: String = "", line: UInt = #line,
                             _ body: () async throws -> Void) async {
        do {
            try await body()
            XCTFail("expected \(kind) \(context)", line: line)
        } catch let error as FileTransferError {
            XCTAssertEqual(error.kind, kind, "\(context): \(error)", line: line)
        } catch {
            XCTFail("unexpected \(error)", line: line)
        }
    }
}
