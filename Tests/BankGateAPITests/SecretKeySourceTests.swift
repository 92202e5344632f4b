import BankGateConfig
import BankGateCrypto
import BankGateRuntime
import Foundation
import XCTest

/// Where the key that seals webhook secrets comes from, and the files it is kept in.
final class SecretKeySourceTests: XCTestCase {
    var directory: URL!

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() async throws {
        try? FileManager.default.removeItem(at: directory)
    }

    var server: ServerConfig { ServerConfig(host: "127.0.0.1", port: 0, dataDirectory: directory.path) }

    func testTheFirstStartCreatesAPrivateKeyFileAndLaterStartsReadIt() throws {
        let (box, origin) = try SecretKeySource.box(for: server, environment: [:])
        let path = directory.appendingPathComponent("secret.key").path
        XCTAssertEqual(origin, .createdFile(path))
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)
        XCTAssertEqual(mode.intValue & 0o777, 0o600)

        let sealed = box.seal("s3cret", context: "whk_1")
        let (again, secondOrigin) = try SecretKeySource.box(for: server, environment: [:])
        XCTAssertEqual(secondOrigin, .file(path))
        XCTAssertEqual(try again.open(sealed, context: "whk_1"), "s3cret", "the same key on the next start")
    }

    func testTheEnvironmentComesFirst() throws {
        let key = SecretBox.makeHexKey()
        let (box, origin) = try SecretKeySource.box(for: server, environment: ["BANKGATE_SECRET_KEY": key])
        XCTAssertEqual(origin, .environment("BANKGATE_SECRET_KEY"))
        XCTAssertEqual(try SecretBox(hexKey: key).open(box.seal("x", context: "c"), context: "c"), "x")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("secret.key").path))

        XCTAssertThrowsError(try SecretKeySource.box(for: server, environment: ["BANKGATE_SECRET_KEY": "short"])) { error in
            XCTAssertTrue("\(error)".contains("BANKGATE_SECRET_KEY"), "\(error)")
        }
    }

    func testAKeyFileOthersCanReadOrALinkIsRefused() throws {
        let path = directory.appendingPathComponent("secret.key").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(SecretBox.makeHexKey().utf8), attributes: [.posixPermissions: 0o644]))
        XCTAssertThrowsError(try SecretKeySource.box(for: server, environment: [:])) { error in
            XCTAssertTrue("\(error)".contains("read by others"), "\(error)")
        }

        try FileManager.default.removeItem(atPath: path)
        let elsewhere = directory.appendingPathComponent("planted").path
        XCTAssertTrue(FileManager.default.createFile(atPath: elsewhere, contents: Data(SecretBox.makeHexKey().utf8), attributes: [.posixPermissions: 0o600]))
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: elsewhere)
        XCTAssertThrowsError(try SecretKeySource.box(for: server, environment: [:]))
    }
}
