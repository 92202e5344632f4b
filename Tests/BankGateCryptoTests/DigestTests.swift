import BankGateCore
import BankGateCrypto
import XCTest

/// SM3 against the examples of GM/T 0004-2012 Annex A, SHA-256 and legacy SHA-1 against FIPS 180.
final class DigestTests: XCTestCase {
    func testSM3ExampleOneOfGMT0004() throws {
        XCTAssertEqual(try SM3.hex(Array("abc".utf8)), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
    }

    func testSM3ExampleTwoOfGMT0004() throws {
        let message = Array(String(repeating: "abcd", count: 16).utf8)
        XCTAssertEqual(message.count, 64)
        XCTAssertEqual(try SM3.hex(message), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")
    }

    func testSM3OfNothing() throws {
        XCTAssertEqual(try SM3.hex([]), "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b")
    }

    func testSHA256AndLegacySHA1ThroughTheSameInterface() throws {
        let abc = Array("abc".utf8)
        XCTAssertEqual(Hex.encode(try MessageDigest.hash(abc, algorithm: .sha256)), SHA256.hex(abc))
        XCTAssertEqual(Hex.encode(try MessageDigest.hash(abc, algorithm: .legacySHA1)), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(DigestAlgorithm.legacySHA1.length, 20)
    }
}
