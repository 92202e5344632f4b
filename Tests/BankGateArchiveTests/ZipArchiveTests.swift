import BankGateTestSupport
import Foundation
import XCTest
@testable import BankGateArchive

/// The ZIP reader on archives written by Python's zipfile (fixtures) and by ``ZipBuilder``, including
/// every refusal named in docs/statement-dialects.md.
final class ZipArchiveTests: XCTestCase {
    private static var fixtures: String {
        let path = "\(#filePath)"
        return String(path[..<path.lastIndex(of: "/")!]) + "/Fixtures"
    }

    private func refusal(_ bytes: [UInt8], limits: ZipArchive.Limits = ZipArchive.Limits(),
                         file: StaticString = #filePath, line: UInt = #line) -> ArchiveError? {
        do {
            let archive = try ZipArchive(bytes: bytes, limits: limits)
            for member in archive.members { _ = try archive.contents(of: member) }
            XCTFail("expected a refusal", file: file, line: line)
        } catch {
            return error
        }
        return nil
    }

    func testReadsPythonsZipWithADeflatedAndAStoredMemberInOrder() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/python-two-members.zip")))
        XCTAssertTrue(ZipArchive.isArchive(bytes))
        let archive = try ZipArchive(bytes: bytes)
        XCTAssertEqual(archive.members.map(\.name), ["statements/day1.xml", "day2.sta"], "the folder entry is dropped")
        XCTAssertEqual(archive.members.map(\.method), [8, 0])
        let first = try archive.contents(of: archive.members[0])
        XCTAssertEqual(first.count, 981)
        XCTAssertTrue(String(decoding: first, as: UTF8.self).hasPrefix("<?xml version=\"1.0\""))
        let second = String(decoding: try archive.contents(of: archive.members[1]), as: UTF8.self)
        XCTAssertTrue(second.hasPrefix(":20:STMT-1\r\n"))
    }

    func testTwoMembersWrittenHere() throws {
        let archive = try ZipArchive(bytes: ZipBuilder.archive([("a.xml", "<a/>"), ("b.sta", ":20:X\n")]))
        XCTAssertEqual(archive.members.map(\.name), ["a.xml", "b.sta"])
        XCTAssertEqual(try archive.contents(of: archive.members[1]), Array(":20:X\n".utf8))
    }

    func testStoredMember() throws {
        let bytes = ZipBuilder([.init(name: "s.xml", bytes: Array("<stored/>".utf8), deflate: false)]).bytes()
        let archive = try ZipArchive(bytes: bytes)
        XCTAssertEqual(archive.members[0].method, 0)
        XCTAssertEqual(try archive.contents(of: archive.members[0]), Array("<stored/>".utf8))
    }

    func testNotAnArchive() {
        XCTAssertFalse(ZipArchive.isArchive(Array("<?xml".utf8)))
        XCTAssertEqual(refusal(Array("PK\u{3}\u{4} cut off".utf8))?.code, .malformed)
    }

    func testBombThatDeclaresItsSizeIsRefusedBeforeInflating() {
        // 32 MiB of zeros deflate to about 32 KiB: a ratio of about 1000.
        let zeros = [UInt8](repeating: 0, count: 32 << 20)
        let bytes = ZipBuilder([.init(name: "bomb.xml", bytes: zeros)]).bytes()
        XCTAssertLessThan(bytes.count, 100_000)
        do {
            _ = try ZipArchive(bytes: bytes)
            XCTFail("expected a refusal")
        } catch {
            XCTAssertEqual(error.code, .compressionRatio)
            XCTAssertEqual(error.member, "bomb.xml")
        }
    }

    func testBombThatUnderstatesItsSizeStopsAtTheDeclaredSize() {
        let zeros = [UInt8](repeating: 0, count: 8 << 20)
        let bytes = ZipBuilder([.init(name: "liar.xml", bytes: zeros, sizeOverride: 1_000)]).bytes()
        let error = refusal(bytes)
        XCTAssertEqual(error?.code, .compressionRatio)
        XCTAssertEqual(error?.member, "liar.xml")
        XCTAssertTrue(error?.message.contains("past the 1000 bytes") ?? false, "\(String(describing: error))")
    }

    func testMemberAndTotalSizeLimits() {
        let member = ZipBuilder([.init(name: "big.xml", bytes: [UInt8](repeating: 65, count: 2_000), deflate: false)])
        var limits = ZipArchive.Limits()
        limits.maxMemberBytes = 1_000
        XCTAssertEqual(refusal(member.bytes(), limits: limits)?.code, .tooLarge)
        limits = ZipArchive.Limits()
        limits.maxTotalBytes = 3_000
        let two = ZipBuilder(["a", "b"].map {
            .init(name: "\($0).xml", bytes: [UInt8](repeating: 65, count: 2_000), deflate: false)
        })
        let error = refusal(two.bytes(), limits: limits)
        XCTAssertEqual(error?.code, .tooLarge)
        XCTAssertEqual(error?.member, "b.xml")
    }

    func testTooManyMembers() {
        let bytes = ZipBuilder((0..<101).map { .init(name: "m\($0).sta", bytes: [0x3A]) }).bytes()
        let error = refusal(bytes)
        XCTAssertEqual(error?.code, .tooManyMembers)
        XCTAssertEqual(error?.description, "the archive has 101 members, more than the 100 accepted")
    }

    func testCRCMismatch() {
        let bytes = ZipBuilder([.init(name: "day.xml", bytes: Array("<a/>".utf8), crcOverride: 0xDEAD_BEEF)]).bytes()
        let error = refusal(bytes)
        XCTAssertEqual(error?.code, .checksumMismatch)
        XCTAssertEqual(error?.member, "day.xml")
        XCTAssertTrue(error?.description.contains("the archive says deadbeef") ?? false)
    }

    func testUnsafeNames() {
        for name in ["../evil.xml", "a/../../evil.xml", "/etc/passwd", "\\windows\\x.xml", "C:x.xml", "a\\..\\b.xml"] {
            let error = refusal(ZipBuilder([.init(name: name, bytes: [0x3C])]).bytes())
            XCTAssertEqual(error?.code, .unsafeName, name)
            XCTAssertEqual(error?.member, name)
        }
        // Dots inside a name are fine.
        XCTAssertNoThrow(try ZipArchive(bytes: ZipBuilder([.init(name: "a..b/x.xml", bytes: [0x3C])]).bytes()))
    }

    func testEncryptedMember() {
        let error = refusal(ZipBuilder([.init(name: "secret.xml", bytes: [0x3C], flags: 0x0001)]).bytes())
        XCTAssertEqual(error?.code, .encrypted)
        XCTAssertEqual(error?.member, "secret.xml")
        XCTAssertEqual(refusal(ZipBuilder([.init(name: "aes.xml", bytes: [0x3C], methodOverride: 99)]).bytes())?.code,
                       .encrypted)
    }

    func testOnlyStoredAndDeflate() {
        let error = refusal(ZipBuilder([.init(name: "x.xml", bytes: [0x3C], methodOverride: 12)]).bytes())
        XCTAssertEqual(error?.code, .unsupportedMethod)
        XCTAssertTrue(error?.description.contains("method 12") ?? false)
    }

    func testNestedArchives() {
        let inner = ZipBuilder.archive([("a.xml", "<a/>")])
        let byContent = refusal(ZipBuilder([.init(name: "inner.bin", bytes: inner)]).bytes())
        XCTAssertEqual(byContent?.code, .nestedArchive)
        XCTAssertEqual(byContent?.member, "inner.bin")
        let byName = refusal(ZipBuilder([.init(name: "more.zip", bytes: Array("<a/>".utf8))]).bytes())
        XCTAssertEqual(byName?.code, .nestedArchive)
        let gzip = refusal(ZipBuilder([.init(name: "x.xml", bytes: [0x1F, 0x8B, 8, 0])]).bytes())
        XCTAssertEqual(gzip?.code, .nestedArchive)
    }

    func testCorruptAndCutOffData() {
        var bytes = ZipBuilder.archive([("a.xml", String(repeating: "<Ntry>x</Ntry>", count: 50))])
        bytes[40] ^= 0xFF // inside the deflate stream (after the 30-byte header and the 5-byte name)
        let error = refusal(bytes)
        XCTAssertTrue([.corruptData, .checksumMismatch].contains(error?.code), "\(String(describing: error))")
        // An archive cut before its central directory has no end record.
        let whole = ZipBuilder.archive([("a.xml", "<a/>")])
        XCTAssertEqual(refusal(Array(whole.prefix(whole.count - 10)))?.code, .malformed)
    }
}
