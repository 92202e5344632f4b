import BankGateArchive
import BankGateTestSupport
import Foundation
import XCTest

/// The libzip writer, read back with Info-ZIP's `unzip`: entries stored or deflated, a source
/// that fails naming its entry and leaving no archive, a stop asked for, and ZIP64 past 65,535 entries.
final class ZipFileWriterTests: XCTestCase {
    var directory: URL!

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-zipwriter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() async throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Bytes in memory, handed out in pieces of at most `piece`; throws at the end when `failAtEnd`.
    final class BytesSource: ZipEntrySource {
        let bytes: [UInt8]
        let piece: Int
        let failAtEnd: Bool
        var offset = 0
        var opened = 0
        var closed = 0

        struct Refused: Error, CustomStringConvertible {
            var description: String { "the bytes are wrong" }
        }

        init(_ bytes: [UInt8], piece: Int = 1000, failAtEnd: Bool = false) {
            self.bytes = bytes
            self.piece = piece
            self.failAtEnd = failAtEnd
        }

        func open() throws {
            opened += 1
            offset = 0
        }

        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            let count = min(piece, buffer.count, bytes.count - offset)
            if count == 0 && failAtEnd { throw Refused() }
            bytes[offset..<offset + count].withUnsafeBytes { buffer.copyMemory(from: $0) }
            offset += count
            return count
        }

        func close() { closed += 1 }
    }

    func testEntriesAreWrittenStoredOrDeflatedAndReadBackByUnzip() throws {
        let archive = directory.appendingPathComponent("out.zip")
        let document = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let text = Array(String(repeating: "回单,receipt\n", count: 2_000).utf8)
        let textFile = directory.appendingPathComponent("index.csv")
        try Data(text).write(to: textFile)
        let writer = try ZipFileWriter(path: archive.path)
        let source = BytesSource(document)
        try writer.addEntry(name: "documents/回单-1.pdf", size: Int64(document.count), modified: 1_795_000_000, compression: .store,
                            source: source)
        try writer.addFile(name: "index.csv", filePath: textFile.path, modified: 1_795_000_000, compression: .deflate)
        XCTAssertFalse(FileManager.default.fileExists(atPath: archive.path), "nothing is written before close")
        var fractions: [Double] = []
        try writer.close(progress: { fractions.append($0) })

        XCTAssertEqual(try Unzip.names(archive), ["documents/回单-1.pdf", "index.csv"])
        XCTAssertTrue(try Unzip.test(archive).contains("No errors detected"))
        XCTAssertEqual(try Unzip.method(of: "documents/回单-1.pdf", in: archive), "none (stored)")
        XCTAssertEqual(try Unzip.method(of: "index.csv", in: archive), "deflated")
        let out = directory.appendingPathComponent("x")
        try Unzip.extract(archive, into: out)
        XCTAssertEqual(Array(try Data(contentsOf: out.appendingPathComponent("documents/回单-1.pdf"))), document)
        XCTAssertEqual(Array(try Data(contentsOf: out.appendingPathComponent("index.csv"))), text)
        XCTAssertEqual(source.opened, 1)
        XCTAssertEqual(source.closed, 1)
        XCTAssertEqual(fractions.last, 1.0, "\(fractions)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("out.zip") }, ["out.zip"],
                       "no temporary file is left")
    }

    func testASourceThatFailsNamesItsEntryAndLeavesNoArchive() throws {
        let archive = directory.appendingPathComponent("out.zip")
        try Data("an older export".utf8).write(to: archive)
        let writer = try ZipFileWriter(path: archive.path)
        try writer.addEntry(name: "documents/a.pdf", size: 3, modified: 0, compression: .store, source: BytesSource([1, 2, 3]))
        try writer.addEntry(name: "documents/b.pdf", size: 3, modified: 0, compression: .store,
                            source: BytesSource([4, 5, 6], failAtEnd: true))
        try writer.addEntry(name: "documents/c.pdf", size: 3, modified: 0, compression: .store, source: BytesSource([7, 8, 9]))
        XCTAssertThrowsError(try writer.close()) { error in
            let failure = error as? ZipWriteError
            XCTAssertEqual(failure?.code, .entrySource, "\(error)")
            XCTAssertEqual(failure?.entry, "documents/b.pdf", "\(error)")
            XCTAssertEqual(failure?.sourceError, "the bytes are wrong", "\(error)")
        }
        XCTAssertEqual(try String(contentsOf: archive, encoding: .utf8), "an older export", "the file there is left as it was")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["out.zip"], "no temporary file is left")
    }

    func testAStopAskedForWhileWritingLeavesNoArchive() throws {
        let archive = directory.appendingPathComponent("out.zip")
        let writer = try ZipFileWriter(path: archive.path)
        for index in 0..<50 {
            try writer.addEntry(name: "documents/\(index).pdf", size: 10_000, modified: 0, compression: .store,
                                source: BytesSource([UInt8](repeating: UInt8(index), count: 10_000)))
        }
        var asked = 0
        XCTAssertThrowsError(try writer.close(shouldCancel: { asked += 1; return asked > 3 })) { error in
            XCTAssertEqual((error as? ZipWriteError)?.code, .cancelled, "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [], "no archive, no temporary file")
    }

    /// Past 65,535 entries the archive needs ZIP64's end records; `unzip` reads all the entries back.
    /// (Tiny entries; the 100,000-receipt benchmark checks it with real documents.)
    func testMoreThan65535EntriesAreWrittenWithZIP64AndReadBack() throws {
        let archive = directory.appendingPathComponent("many.zip")
        let writer = try ZipFileWriter(path: archive.path)
        let count = 65_600
        for index in 0..<count {
            try writer.addEntry(name: "d/\(index)", size: 1, modified: 0, compression: .store,
                                source: BytesSource([UInt8(truncatingIfNeeded: index)]))
        }
        try writer.close()
        let names = try Unzip.names(archive)
        XCTAssertEqual(names.count, count)
        XCTAssertEqual(names.last, "d/\(count - 1)")
        let bytes = try Data(contentsOf: archive)
        // The ZIP64 end of central directory record (PK\x06\x06) and its locator (PK\x06\x07).
        XCTAssertNotNil(bytes.range(of: Data([0x50, 0x4B, 0x06, 0x06])))
        XCTAssertNotNil(bytes.range(of: Data([0x50, 0x4B, 0x06, 0x07])))
        XCTAssertEqual(try Unzip.contents(of: "d/65599", in: archive), [UInt8(truncatingIfNeeded: 65_599)])
    }
}
