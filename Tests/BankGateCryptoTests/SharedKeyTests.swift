import BankGateCrypto
import Dispatch
import Synchronization
import XCTest

/// One key used from several threads at once, as the bank lanes will (each call has its own contexts).
final class SharedKeyTests: XCTestCase {
    func testOneKeySignsAndVerifiesOnManyThreadsAtOnce() throws {
        let message = Array("shared".utf8)
        for (key, scheme) in [(try SigningKey.generateSM2(), SignatureScheme.sm2SM3),
                              (try SigningKey(pem: Fixture.bytes("test-only-rsa2048-key.pem")), .rsaPKCS1SHA256)] {
            let publicKey = key.verifyingKey
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { thread in
                for round in 0..<10 {
                    let text = message + [UInt8(thread), UInt8(round)]
                    guard let signature = try? key.signature(for: text, scheme: scheme),
                          (try? publicKey.isValidSignature(signature, for: text, scheme: scheme)) == true,
                          (try? publicKey.isValidSignature(signature, for: message, scheme: scheme)) == false else {
                        failures.withLock { $0.append("thread \(thread) round \(round) with \(key)") }
                        return
                    }
                }
            }
            XCTAssertEqual(failures.withLock { $0 }, [])
        }
    }

    func testCertificateLoadRefusesADamagedCertificateAfterAGoodOne() throws {
        let good = try Fixture.bytes("test-only-rsa2048-cert.pem")
        let damaged = Array("-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n".utf8)
        XCTAssertThrowsError(try Certificate.load(pem: good + damaged))
        XCTAssertThrowsError(try Certificate.load(pem: Array("no PEM here".utf8)))
    }
}

/// A key keeps one set-up context per scheme (16 at most); past that each call sets its own up.
final class PreparedContextTests: XCTestCase {
    func testManyUserIDsOnOneKeyAllSignAndVerify() throws {
        let key = try SigningKey.generateSM2()
        let message = Array("many ids".utf8)
        let schemes = (0..<24).map { SignatureScheme.sm2SM3(userID: "user-\($0)") }
        for (index, scheme) in schemes.enumerated() {
            let signature = try key.signature(for: message, scheme: scheme)
            XCTAssertTrue(try key.verifyingKey.isValidSignature(signature, for: message, scheme: scheme), "id \(index)")
            XCTAssertFalse(try key.verifyingKey.isValidSignature(signature, for: message, scheme: schemes[(index + 1) % 24]), "id \(index)")
        }
        // Signing twice with the same set-up context gives two valid, different signatures (random k).
        let first = try key.signature(for: message, scheme: schemes[0])
        let second = try key.signature(for: message, scheme: schemes[0])
        XCTAssertNotEqual(first, second)
        XCTAssertTrue(try key.verifyingKey.isValidSignature(second, for: message, scheme: schemes[0]))
    }
}
