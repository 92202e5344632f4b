import BankGateTransport
import Foundation
import XCTest

/// Files kept by their SHA-256: written once, read back checked, an altered or missing one found.
final class ContentAddressedFilesTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cas-\(UUID().uuidString)").path
    }

    override func tearDown() {
        // The files are read-only: make them writable again to remove them.
        if let enumerator = FileManager.default.enumerator(atPath: directory) {
            for case let name as String in enumerator {
                try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory + "/" + name)
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testAFileIsKeptUnderItsHashOnceAndReadBack() throws {
        let files = try ContentAddressedFiles(directory: directory)
        let bytes = Array("%PDF-1.5 receipt HD20261123000042".utf8)
        let stored = try files.store(bytes)
        XCTAssertEqual(stored.sha256, ContentAddressedFiles.hash(bytes))
        // The published SHA-256 of "abc" (FIPS 180-2), as `sha256sum` prints it.
        XCTAssertEqual(ContentAddressedFiles.hash(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(stored.sha256.count, 64)
        XCTAssertTrue(stored.isNew)
        XCTAssertEqual(stored.size, bytes.count)
        let path = "\(directory!)/\(stored.sha256.prefix(2))/\(stored.sha256)"
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), bytes)
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        XCTAssertEqual(mode & 0o222, 0, "read-only")
        XCTAssertEqual(try files.read(stored.sha256), bytes)
        XCTAssertEqual(try files.check(stored.sha256), .intact)
        let again = try files.store(bytes)
        XCTAssertFalse(again.isNew, "the same bytes are found, not written again")
        let names = try FileManager.default.contentsOfDirectory(atPath: "\(directory!)/\(stored.sha256.prefix(2))")
        XCTAssertEqual(names, [stored.sha256], "no temporary file left")
    }

    func testAChangedByteAndAMissingFileAreFound() throws {
        let files = try ContentAddressedFiles(directory: directory)
        let stored = try files.store(Array("receipt one".utf8))
        let path = "\(directory!)/\(stored.sha256.prefix(2))/\(stored.sha256)"
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        try Data("receipt onE".utf8).write(to: URL(fileURLWithPath: path))
        guard case .altered(let actual) = try files.check(stored.sha256) else { return XCTFail("the change is found") }
        XCTAssertEqual(actual, ContentAddressedFiles.hash(Array("receipt onE".utf8)))
        XCTAssertThrowsError(try files.read(stored.sha256)) { XCTAssertTrue("\($0)".contains("altered"), "\($0)") }
        XCTAssertThrowsError(try files.store(Array("receipt one".utf8)), "an altered file is left for an operator, not overwritten")

        let other = try files.store(Array("receipt two".utf8))
        try FileManager.default.removeItem(atPath: "\(directory!)/\(other.sha256.prefix(2))/\(other.sha256)")
        XCTAssertEqual(try files.check(other.sha256), .missing)
        XCTAssertThrowsError(try files.read(other.sha256)) { XCTAssertTrue("\($0)".contains("missing"), "\($0)") }
        XCTAssertTrue(try files.store(Array("receipt two".utf8)).isNew, "a missing file is written again from its bytes")
    }

    func testOnlyAHashNamesAFile() throws {
        let files = try ContentAddressedFiles(directory: directory)
        for name in ["../../etc/passwd", "ABCDEF" + String(repeating: "0", count: 58), String(repeating: "a", count: 63)] {
            XCTAssertThrowsError(try files.read(name), name)
        }
    }
}
