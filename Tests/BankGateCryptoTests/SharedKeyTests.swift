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
