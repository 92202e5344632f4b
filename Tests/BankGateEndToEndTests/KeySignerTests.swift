import BankGateConfig
import BankGateCore
import BankGateCrypto
import BankGateTestSupport
import XCTest
@testable import BankGateRuntime

/// A bank's messages are signed with the key in force: the new key takes over at its `valid_from`
/// without a restart, and a certificate that has expired since start-up signs nothing.
final class KeySignerTests: XCTestCase {
    let start = Timestamp(milliseconds: 1_830_000_000_000)
    let day = KeyFiles.day

    func testTheKeyInForceSignsAndANewKeyTakesOverAtItsTime() async throws {
        let files = try KeyFiles("key-signer")
        defer { files.remove() }
        let oldKey = try files.write("old", notBefore: start.adding(milliseconds: -day), notAfter: start.adding(milliseconds: 20 * day))
        let newKey = try files.write("new", notBefore: start.adding(milliseconds: -day), notAfter: start.adding(milliseconds: 400 * day))
        let otherBank = try files.write("eu-key", notBefore: start.adding(milliseconds: -day), notAfter: start.adding(milliseconds: 400 * day))
        let takeOver = start.adding(milliseconds: 10 * day)
        let path = try files.writeConfiguration([files.entry("old"), files.entry("new", validFrom: takeOver.iso8601Seconds),
                                                 files.entry("eu-key", bank: "eu")])
        let keys = try BankGateConfiguration.load(path: path).keys
        let clock = ManualClock(start: start)
        let statuses = SigningKeyInventory.inspect(keys, at: start)
        let signer = try XCTUnwrap(KeySigner(bankId: "cn", statuses: statuses, clock: clock))
        let message = EncodedMessage(kind: "test", contentType: "application/xml", fileName: "m.xml", bytes: Array("<Document/>".utf8))

        var signature = try await signer.sign(message)
        XCTAssertTrue(try oldKey.verifyingKey.isValidSignature(signature, for: message.bytes, scheme: .rsaPKCS1SHA256))
        XCTAssertFalse(try newKey.verifyingKey.isValidSignature(signature, for: message.bytes, scheme: .rsaPKCS1SHA256))
        XCTAssertFalse(try otherBank.verifyingKey.isValidSignature(signature, for: message.bytes, scheme: .rsaPKCS1SHA256))

        clock.advance(to: takeOver)
        signature = try await signer.sign(message)
        XCTAssertTrue(try newKey.verifyingKey.isValidSignature(signature, for: message.bytes, scheme: .rsaPKCS1SHA256),
                      "the new key signs from its valid_from on")
        var changed = message.bytes
        changed[1] ^= 0x01
        XCTAssertFalse(try newKey.verifyingKey.isValidSignature(signature, for: changed, scheme: .rsaPKCS1SHA256))
    }

    func testACertificateExpiredSinceStartUpSignsNothing() async throws {
        let files = try KeyFiles("key-signer-expired")
        defer { files.remove() }
        try files.write("short", sm2: true, notBefore: start.adding(milliseconds: -day), notAfter: start.adding(milliseconds: 2 * day))
        let keys = try BankGateConfiguration.load(path: files.writeConfiguration([files.entry("short", sm2: true)])).keys
        let clock = ManualClock(start: start)
        let signer = try XCTUnwrap(KeySigner(bankId: "cn", statuses: SigningKeyInventory.inspect(keys, at: start), clock: clock))
        let message = EncodedMessage(kind: "test", contentType: "application/json", fileName: "m.json", bytes: Array("{}".utf8))
        _ = try await signer.sign(message)
        clock.advance(to: start.adding(milliseconds: 3 * day))
        do {
            _ = try await signer.sign(message)
            XCTFail("an expired certificate signed")
        } catch {
            XCTAssertTrue(error.message.contains("expired"), error.message)
        }
        XCTAssertNil(KeySigner(bankId: "eu", statuses: SigningKeyInventory.inspect(keys, at: start), clock: clock),
                     "a bank without keys gets no signer")
    }
}
