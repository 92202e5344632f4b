import BankGateCore
import BankGateCrypto
import XCTest

/// SM4 against the example of GM/T 0002-2012 Annex A and the openssl command line, round trips, and
/// the checks of keys, IVs and lengths.
final class SM4Tests: XCTestCase {
    let key = bytes(hex: "0123456789abcdeffedcba9876543210")
    let iv = bytes(hex: "000102030405060708090a0b0c0d0e0f")

    func testExampleOfGMT0002IsOneBlockECBWithoutPadding() throws {
        let ciphertext = try SM4.encrypt(key, key: key, mode: .ecb, padding: .none)
        XCTAssertEqual(Hex.encode(ciphertext), "681edf34d206965e86b3e94f536e4246")
        XCTAssertEqual(try SM4.decrypt(ciphertext, key: key, mode: .ecb, padding: .none), key)
    }

    /// Expected values from `openssl enc -sm4-cbc|-sm4-ecb -K 0123…3210 [-iv 0001…0f]`.
    func testCBCAndECBWithPaddingAgreeWithTheOpenSSLCommandLine() throws {
        let cbc = try SM4.encrypt(Array("bankgate: SM4-CBC with PKCS#7 padding".utf8), key: key, mode: .cbc(iv: iv))
        XCTAssertEqual(Hex.encode(cbc), "57a0eca92a0a5f103e05bdccbfe9257b98a0a3181c810336a31a12514dfdd8b5d8f356c4b2573e822d609dc865e55f55")
        let ecb = try SM4.encrypt(Array("bankgate: SM4-ECB with PKCS#7 padding".utf8), key: key, mode: .ecb)
        XCTAssertEqual(Hex.encode(ecb), "ba6f44132f10d14db9af7cc7b97ee694775e0532c6afe4b40c9a157dfe85c81ee6c7f3b0946777f6415b36decd9e641e")
    }

    func testCBCRoundTripsOfEveryLengthAroundTheBlocks() throws {
        for length in [0, 1, 15, 16, 17, 31, 32, 33, 1000] {
            let plaintext = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let ciphertext = try SM4.encrypt(plaintext, key: key, mode: .cbc(iv: iv))
            XCTAssertEqual(ciphertext.count, (length / 16 + 1) * 16, "PKCS#7 always adds 1…16 bytes")
            XCTAssertEqual(try SM4.decrypt(ciphertext, key: key, mode: .cbc(iv: iv)), plaintext)
            XCTAssertEqual(try SM4.decrypt(try SM4.encrypt(plaintext, key: key, mode: .ecb), key: key, mode: .ecb), plaintext)
        }
    }

    func testEqualBlocksAreEqualInECBButNotInCBC() throws {
        let twoBlocks = [UInt8](repeating: 0x42, count: 32)
        let ecb = try SM4.encrypt(twoBlocks, key: key, mode: .ecb, padding: .none)
        XCTAssertEqual(Array(ecb[0..<16]), Array(ecb[16..<32]))
        let cbc = try SM4.encrypt(twoBlocks, key: key, mode: .cbc(iv: iv), padding: .none)
        XCTAssertNotEqual(Array(cbc[0..<16]), Array(cbc[16..<32]))
    }

    func testKeysIVsAndLengthsAreChecked() {
        XCTAssertThrows(.invalidKeyLength(expected: 16, actual: 15)) { try SM4.encrypt([1], key: Array(key.prefix(15)), mode: .ecb) }
        XCTAssertThrows(.invalidKeyLength(expected: 16, actual: 32)) { try SM4.encrypt([1], key: key + key, mode: .ecb) }
        XCTAssertThrows(.invalidIVLength(expected: 16, actual: 8)) { try SM4.encrypt([1], key: key, mode: .cbc(iv: Array(iv.prefix(8)))) }
        XCTAssertThrows(.inputNotBlockAligned(length: 17, blockLength: 16)) {
            try SM4.encrypt([UInt8](repeating: 0, count: 17), key: key, mode: .ecb, padding: .none)
        }
        XCTAssertThrows(.inputNotBlockAligned(length: 20, blockLength: 16)) {
            try SM4.decrypt([UInt8](repeating: 0, count: 20), key: key, mode: .cbc(iv: iv))
        }
    }

    func testWrongKeyOrAlteredCiphertextDoesNotGiveThePlaintext() throws {
        let plaintext = Array("pay 100.00 CNY to 6222…".utf8)
        let ciphertext = try SM4.encrypt(plaintext, key: key, mode: .cbc(iv: iv))
        var otherKey = key
        otherKey[0] ^= 0x80
        for (candidateKey, candidate) in [(otherKey, ciphertext), (key, flipped(ciphertext, at: ciphertext.count - 1))] {
            do {
                let opened = try SM4.decrypt(candidate, key: candidateKey, mode: .cbc(iv: iv))
                XCTAssertNotEqual(opened, plaintext, "a padding that happens to check out must still give other bytes")
            } catch {
                guard case .decryptionFailed = error else { return XCTFail("unexpected \(error)") }
            }
        }
    }
}
