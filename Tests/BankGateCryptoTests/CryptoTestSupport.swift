import BankGateCore
import BankGateCrypto
import Foundation
import XCTest

/// The test-only keys, certificates and PKCS#12 files in `Fixtures/` (see its README).
enum Fixture {
    /// The passphrase of every encrypted fixture. Test material only.
    static let passphrase: [UInt8] = Array("test-only-passphrase".utf8)

    static var directory: String {
        let path = "\(#filePath)"
        return String(path[..<path.lastIndex(of: "/")!]) + "/Fixtures"
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
    }
}

func bytes(hex: String) -> [UInt8] {
    guard let bytes = Hex.decode(hex.filter { !$0.isWhitespace }) else { preconditionFailure("bad hex in a test: \(hex)") }
    return bytes
}

/// `bytes` with the byte at `index` changed.
func flipped(_ bytes: [UInt8], at index: Int) -> [UInt8] {
    var copy = bytes
    copy[index] ^= 0x01
    return copy
}

/// Asserts that `body` throws `expected`.
func XCTAssertThrows<T>(_ expected: CryptoError, _ body: () throws -> T,
                        file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected \(expected), nothing thrown", file: file, line: line)
    } catch {
        XCTAssertEqual(error as? CryptoError, expected, file: file, line: line)
    }
}
